using System.Collections.Immutable;
using Samverkan.Abstractions.Organisation;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Projections;

// Read-model rows the coordination actors emit; the projectors in this folder write them.

/// <summary>A municipality's row at a version of its grain's state (an older version never overwrites a newer one).</summary>
public sealed record MunicipalityRow(MunicipalityState State, long Version);

/// <summary>A school's row at a version of its grain's state (an older version never overwrites a newer one).</summary>
public sealed record SchoolRow(School School, long Version);

public sealed record TeamRow(Team Team);

public sealed record StaffRow(Staff Staff);

public sealed record RuleChangeRow(MunicipalityCode Municipality, SchoolId? School, RuleSetVersion Version, object Rules);

public sealed record ChildRow(
    string ChildKey,
    string? Municipality,
    string? School,
    string? NamedPerson,
    bool ProtectedIdentity,
    bool PlacedInCare,
    DateTimeOffset? WatchUntil,
    string? WatchOwner,
    int OpenCases);

public sealed record EnrolmentsRow(string ChildKey, ImmutableArray<Enrolment> Enrolments);

public sealed record ConcernRow(
    string ConcernId,
    string ChildKey,
    string? Municipality,
    string? School,
    string Category,
    DateOnly ReportedOn,
    string ReportingOrganisation,
    string ReportingAgency,
    string? Outcome,
    DateTimeOffset? DecidedAt);

public sealed record CaseRow(CaseState Case)
{
    public ImmutableArray<string> Teams => [.. Case.Participants.Select(p => p.Who.Team?.Value).OfType<string>().Distinct()];

    public ImmutableArray<string> Staff => [.. Case.Participants.Select(p => p.Who.Staff?.Value).OfType<string>().Distinct()];

    public ImmutableArray<string> Agencies => [.. Case.Participants.Select(p => p.Agency.ToString()).Distinct()];
}

public sealed record AlertRow(string AlertKey, StaffId Staff, AlertRequest Alert);

public sealed record AlertAcknowledgedRow(string AlertKey, DateTimeOffset At);
