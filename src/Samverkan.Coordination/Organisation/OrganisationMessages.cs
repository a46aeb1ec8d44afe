using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Organisation;

// Messages of the roster actors (municipality, school, team, staff). Kinds are persisted contracts.

[ActorMessage("municipality.upsert.v1")]
public sealed record UpsertMunicipality(Municipality Municipality, TeamId? CoordinatorTeam);

/// <summary>A new version of the municipality's rules (thresholds), with who and why.</summary>
[ActorMessage("municipality.change-rules.v1")]
public sealed record ChangeMunicipalityRules(ImmutableArray<RuleDefinition> Rules, StaffId ChangedBy, string Reason);

[ActorMessage("municipality.set-calendar.v1")]
public sealed record SetSchoolCalendar(SchoolCalendarDefinition Calendar);

[ActorMessage("municipality.get.v1")]
public sealed record GetMunicipality;

[ActorMessage("school.upsert.v1")]
public sealed record UpsertSchool(School School);

/// <summary>The principal's overrides of the municipality's thresholds for one school.</summary>
[ActorMessage("school.change-rules.v1")]
public sealed record ChangeSchoolRules(ImmutableArray<RuleOverride> Overrides, StaffId ChangedBy, string Reason);

[ActorMessage("school.get.v1")]
public sealed record GetSchool;

[ActorMessage("team.upsert.v1")]
public sealed record UpsertTeam(Team Team);

[ActorMessage("staff.upsert.v1")]
public sealed record UpsertStaff(Staff Staff);

/// <summary>
/// From a case or child actor: <see cref="Holder"/> (<c>case/{id}</c> or <c>child/{key}</c>) gave the staff member a
/// role, or took the last one away. The staff actor keeps the register so a deactivation reaches every holder.
/// </summary>
[ActorMessage("staff.track-role.v1")]
public sealed record TrackStaffRole(string Holder, bool Held);

/// <summary>The staff member leaves or is deactivated (as a roster upsert with <c>active: false</c> does).</summary>
[ActorMessage("staff.deactivate.v1")]
public sealed record DeactivateStaff;
