using System.Collections.Immutable;

namespace Samverkan.Domain.Organisation;

/// <summary>A member of a team, in a role.</summary>
public sealed record TeamMember(StaffId Staff, StaffRole Role);

/// <summary>
/// Any group of staff that acts together: a student-health team, a social-services unit, a child health
/// centre, child psychiatry, a consultation or family team. Alerts to a team fan out to its members.
/// </summary>
public sealed record Team
{
    public required TeamId Id { get; init; }

    public required string Name { get; init; }

    public required Agency Agency { get; init; }

    /// <summary>The organisation the team works for.</summary>
    public required OrganisationId Organisation { get; init; }

    /// <summary>The municipality for municipal teams; null for regional teams (BVC, BUP, primary care).</summary>
    public MunicipalityCode? Municipality { get; init; }

    /// <summary>The region code for regional teams.</summary>
    public string? RegionCode { get; init; }

    public ImmutableArray<TeamMember> Members { get; init; } = [];

    /// <summary>True when <paramref name="staff"/> is a member (in any role).</summary>
    public bool HasMember(StaffId staff) => Members.Any(m => m.Staff == staff);
}
