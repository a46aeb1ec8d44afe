using Samverkan.Actors;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Organisation;

// Messages of the roster actors (team, staff). Kinds are persisted contracts. The municipality and school are
// Orleans grains: their commands are in Samverkan.Abstractions.

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
