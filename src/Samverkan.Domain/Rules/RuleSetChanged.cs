using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>
/// The audit record of a change to a municipality's rules or a school's overrides: both versions and
/// the full before and after, so the audit trail reads without the history of other records.
/// </summary>
public sealed record RuleSetChanged
{
    public required MunicipalityCode Municipality { get; init; }

    /// <summary>Set for a change of a school's overrides.</summary>
    public SchoolId? School { get; init; }

    public int? FromVersion { get; init; }

    public required RuleSetVersion To { get; init; }

    public ImmutableArray<RuleDefinition> RulesBefore { get; init; } = [];

    public ImmutableArray<RuleDefinition> RulesAfter { get; init; } = [];

    public ImmutableArray<RuleOverride> OverridesBefore { get; init; } = [];

    public ImmutableArray<RuleOverride> OverridesAfter { get; init; } = [];
}

/// <summary>The outcome of a rule change: the new version and its audit record, or the errors (or neither, for a change that changes nothing).</summary>
public sealed record RuleSetChangeResult<T>(T Current, RuleSetChanged? Change, ImmutableArray<Common.FieldError> Errors)
    where T : class
{
    public bool IsValid => Errors.IsDefaultOrEmpty;
}
