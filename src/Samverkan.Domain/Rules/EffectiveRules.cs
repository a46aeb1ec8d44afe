using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>The rules that apply to a school: the municipality's with the school's overrides merged in.</summary>
public sealed record EffectiveRules
{
    public required MunicipalityCode Municipality { get; init; }

    public SchoolId? School { get; init; }

    public required int MunicipalityVersion { get; init; }

    public int? SchoolVersion { get; init; }

    public ImmutableArray<RuleDefinition> Rules { get; init; } = [];

    /// <summary>The rule with <paramref name="id"/>, if any.</summary>
    public RuleDefinition? Find(RuleId id) => Rules.FirstOrDefault(r => r.Id == id);

    /// <summary>The enabled rules of <paramref name="kind"/>.</summary>
    public IEnumerable<RuleDefinition> EnabledOfKind(RuleKind kind) => Rules.Where(r => r.Enabled && r.Kind == kind);
}
