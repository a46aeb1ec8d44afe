using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>Versioned, audited changes of rules. Every accepted change bumps the version by one.</summary>
public static class RuleSetDecisions
{
    /// <summary>Replaces a municipality's rules.</summary>
    public static RuleSetChangeResult<MunicipalityRuleSet> ChangeMunicipalityRules(
        MunicipalityRuleSet current,
        ImmutableArray<RuleDefinition> rules,
        StaffId changedBy,
        string reason,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        var errors = RuleSets.Validate(rules).AddRange(CheckReason(reason));
        if (!errors.IsEmpty)
        {
            return new(current, null, errors);
        }

        if (current.Rules.SequenceEqual(rules))
        {
            return new(current, null, []);
        }

        var version = new RuleSetVersion(current.Version.Number + 1, changedBy, now, reason);
        var next = current with { Version = version, Rules = rules };
        var change = new RuleSetChanged
        {
            Municipality = current.Municipality,
            FromVersion = current.Version.Number,
            To = version,
            RulesBefore = current.Rules,
            RulesAfter = rules,
        };
        return new(next, change, []);
    }

    /// <summary>Replaces a school's overrides (the principal's thresholds), validated against the municipality's rules.</summary>
    public static RuleSetChangeResult<SchoolRuleOverrides> ChangeSchoolOverrides(
        SchoolRuleOverrides? current,
        SchoolId school,
        MunicipalityRuleSet municipality,
        ImmutableArray<RuleOverride> overrides,
        StaffId changedBy,
        string reason,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(municipality);
        var existing = current ?? new SchoolRuleOverrides
        {
            School = school,
            Version = new RuleSetVersion(0, changedBy, now, "No overrides"),
        };
        var errors = RuleSets.Validate(overrides, municipality).AddRange(CheckReason(reason));
        if (!errors.IsEmpty)
        {
            return new(existing, null, errors);
        }

        if (current is not null && current.Overrides.SequenceEqual(overrides))
        {
            return new(current, null, []);
        }

        var version = new RuleSetVersion(existing.Version.Number + 1, changedBy, now, reason);
        var next = existing with { Version = version, Overrides = overrides };
        var change = new RuleSetChanged
        {
            Municipality = municipality.Municipality,
            School = school,
            FromVersion = current?.Version.Number,
            To = version,
            OverridesBefore = current?.Overrides ?? [],
            OverridesAfter = overrides,
        };
        return new(next, change, []);
    }

    private static ImmutableArray<FieldError> CheckReason(string reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? [new FieldError("reason", "Required", "Every change of rules needs a reason.")]
            : [];
}
