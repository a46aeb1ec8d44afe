using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>The staff member performing a command, with the teams they belong to (resolved by the caller).</summary>
public sealed record ActingStaff(StaffId Staff, Agency Agency)
{
    public ImmutableArray<TeamId> Teams { get; init; } = [];

    /// <summary>The organisation the staff member acts for (plan actions are updated by their owner organisation).</summary>
    public OrganisationId? Organisation { get; init; }
}
