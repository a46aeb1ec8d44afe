using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>A municipality's rules (the defaults for all its schools), versioned.</summary>
public sealed record MunicipalityRuleSet
{
    public required MunicipalityCode Municipality { get; init; }

    public required RuleSetVersion Version { get; init; }

    public ImmutableArray<RuleDefinition> Rules { get; init; } = [];
}
