using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>A school's overrides of its municipality's absence rules, versioned separately.</summary>
public sealed record SchoolRuleOverrides
{
    public required SchoolId School { get; init; }

    public required RuleSetVersion Version { get; init; }

    public ImmutableArray<RuleOverride> Overrides { get; init; } = [];
}
