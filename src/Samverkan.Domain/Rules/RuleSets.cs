using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Rules;

/// <summary>The shipped defaults, validation, and the merge of municipality rules with school overrides.</summary>
public static class RuleSets
{
    /// <summary>
    /// The defaults: total absence ≥ 20 % over the last 20 school days (re-arm below 15 %, judged from 10
    /// reported days); 10 consecutive absent school days (look-back 20); 5 unexcused absences (school days)
    /// in a term; a second concern within 12 months (high); any signal under watch (high).
    /// </summary>
    public static ImmutableArray<RuleDefinition> DefaultRules { get; } =
    [
        new RuleDefinition
        {
            Id = RuleIds.TotalAbsence,
            Kind = RuleKind.TotalAbsenceShare,
            ThresholdPercent = 20m,
            RearmBelowPercent = 15m,
            WindowSchoolDays = 20,
            MinimumReportedSchoolDays = 10,
        },
        new RuleDefinition
        {
            Id = RuleIds.ConsecutiveAbsence,
            Kind = RuleKind.ConsecutiveAbsentDays,
            ConsecutiveDays = 10,
            WindowSchoolDays = 20,
            AbsentDayPercent = 100m,
        },
        new RuleDefinition
        {
            Id = RuleIds.UnexcusedAbsence,
            Kind = RuleKind.UnexcusedAbsencesInTerm,
            Count = 5,
            CountingUnit = UnexcusedCountingUnit.SchoolDay,
        },
        new RuleDefinition
        {
            Id = RuleIds.RepeatedConcern,
            Kind = RuleKind.RepeatedConcern,
            Severity = Severity.High,
            Count = 2,
            WithinMonths = 12,
        },
        new RuleDefinition
        {
            Id = RuleIds.SignalUnderWatch,
            Kind = RuleKind.SignalUnderWatch,
            Severity = Severity.High,
        },
    ];

    /// <summary>A municipality's first rule set: the defaults, version 1 by <see cref="RuleSetVersion.System"/>.</summary>
    public static MunicipalityRuleSet Defaults(MunicipalityCode municipality, DateTimeOffset at) => new()
    {
        Municipality = municipality,
        Version = new RuleSetVersion(1, RuleSetVersion.System, at, "Shipped defaults"),
        Rules = DefaultRules,
    };

    /// <summary>The effective rules of a school (or of the municipality when <paramref name="school"/> is null).</summary>
    public static EffectiveRules Merge(MunicipalityRuleSet municipality, SchoolRuleOverrides? school)
    {
        ArgumentNullException.ThrowIfNull(municipality);
        var rules = municipality.Rules.Select(rule =>
        {
            var over = school?.Overrides.FirstOrDefault(o => o.Rule == rule.Id);
            return over is not null && rule.Kind.IsAbsenceRule() ? over.ApplyTo(rule) : rule;
        });

        return new EffectiveRules
        {
            Municipality = municipality.Municipality,
            School = school?.School,
            MunicipalityVersion = municipality.Version.Number,
            SchoolVersion = school?.Version.Number,
            Rules = [.. rules],
        };
    }

    /// <summary>Problems with a list of rules; empty when it is usable.</summary>
    public static ImmutableArray<FieldError> Validate(IReadOnlyList<RuleDefinition> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        var seen = new HashSet<RuleId>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var prefix = $"rules[{i}]";
            if (!seen.Add(rule.Id))
            {
                errors.Add(new FieldError($"{prefix}.id", "Duplicate", $"The rule id {rule.Id} is used twice."));
            }

            Validate(rule, prefix, errors);
        }

        if (rules.Count(r => r.Kind == RuleKind.SignalUnderWatch) > 1)
        {
            errors.Add(new FieldError("rules", "DuplicateWatchRule", "At most one rule of kind SignalUnderWatch."));
        }

        return errors.ToImmutable();
    }

    /// <summary>Problems with a school's overrides against its municipality's rules.</summary>
    public static ImmutableArray<FieldError> Validate(IReadOnlyList<RuleOverride> overrides, MunicipalityRuleSet municipality)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(municipality);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        var seen = new HashSet<RuleId>();
        for (var i = 0; i < overrides.Count; i++)
        {
            var over = overrides[i];
            var prefix = $"overrides[{i}]";
            var rule = municipality.Rules.FirstOrDefault(r => r.Id == over.Rule);
            if (!seen.Add(over.Rule))
            {
                errors.Add(new FieldError($"{prefix}.rule", "Duplicate", $"The rule {over.Rule} is overridden twice."));
            }

            if (rule is null)
            {
                errors.Add(new FieldError($"{prefix}.rule", "UnknownRule", $"The municipality has no rule {over.Rule}."));
                continue;
            }

            if (!rule.Kind.IsAbsenceRule())
            {
                errors.Add(new FieldError($"{prefix}.rule", "NotOverridable", "Only absence rules can be overridden per school."));
                continue;
            }

            Validate(over.ApplyTo(rule), prefix, errors);
        }

        return errors.ToImmutable();
    }

    private static void Validate(RuleDefinition rule, string prefix, ImmutableArray<FieldError>.Builder errors)
    {
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new FieldError($"{prefix}.{field}", "OutOfRange", message));
            }
        }

        if (!Enum.IsDefined(rule.Kind))
        {
            errors.Add(new FieldError($"{prefix}.kind", "Invalid", "Unknown rule kind."));
            return;
        }

        switch (rule.Kind)
        {
            case RuleKind.TotalAbsenceShare:
                Check(rule.ThresholdPercent is > 0m and <= 100m, "thresholdPercent", "The threshold must be above 0 and at most 100 percent.");
                Check(rule.RearmBelowPercent is { } r && r >= 0m && r <= (rule.ThresholdPercent ?? 0m), "rearmBelowPercent", "The re-arm level must be between 0 and the threshold.");
                Check(rule.WindowSchoolDays is >= 1 and <= 200, "windowSchoolDays", "The window must be 1 to 200 school days.");
                Check(rule.MinimumReportedSchoolDays is { } m && m >= 1 && m <= (rule.WindowSchoolDays ?? 0), "minimumReportedSchoolDays", "The minimum must be 1 to the window's length.");
                break;
            case RuleKind.ConsecutiveAbsentDays:
                Check(rule.ConsecutiveDays is >= 1 and <= 100, "consecutiveDays", "The run must be 1 to 100 school days.");
                Check(rule.WindowSchoolDays is { } w && w >= (rule.ConsecutiveDays ?? int.MaxValue) && w <= 400, "windowSchoolDays", "The look-back must be at least the run and at most 400 school days.");
                Check(rule.AbsentDayPercent is > 0m and <= 100m, "absentDayPercent", "The share must be above 0 and at most 100 percent.");
                break;
            case RuleKind.UnexcusedAbsencesInTerm:
                Check(rule.Count is >= 1 and <= 200, "count", "The count must be 1 to 200.");
                Check(rule.CountingUnit is not null && Enum.IsDefined(rule.CountingUnit.Value), "countingUnit", "The counting unit is required.");
                break;
            case RuleKind.RepeatedConcern:
                Check(rule.Count is >= 2 and <= 20, "count", "The count must be 2 to 20 concerns.");
                Check(rule.WithinMonths is >= 1 and <= 60, "withinMonths", "The span must be 1 to 60 months.");
                break;
            case RuleKind.SignalUnderWatch:
                break;
        }
    }
}
