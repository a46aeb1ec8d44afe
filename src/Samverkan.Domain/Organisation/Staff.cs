using System.Collections.Immutable;

namespace Samverkan.Domain.Organisation;

/// <summary>A staff member. Deactivated staff keep their id so history stays readable.</summary>
public sealed record Staff
{
    public required StaffId Id { get; init; }

    /// <summary>The name shown to colleagues (staff act in their official capacity).</summary>
    public required string DisplayName { get; init; }

    public required OrganisationId Organisation { get; init; }

    public required Agency Agency { get; init; }

    public ImmutableArray<StaffRole> Roles { get; init; } = [];

    public bool Active { get; init; } = true;

    /// <summary>The staff member's manager, alerted when roles must be reassigned.</summary>
    public StaffId? Manager { get; init; }
}
