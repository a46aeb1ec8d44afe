using Samverkan.Domain.Common;

namespace Samverkan.Domain.Rules;

/// <summary>
/// A school's change to one municipality rule (the principal decides thresholds). Only non-null values
/// replace the municipality's; absence rules only.
/// </summary>
public sealed record RuleOverride
{
    public required RuleId Rule { get; init; }

    public bool? Enabled { get; init; }

    public Severity? Severity { get; init; }

    public decimal? ThresholdPercent { get; init; }

    public decimal? RearmBelowPercent { get; init; }

    public int? WindowSchoolDays { get; init; }

    public int? MinimumReportedSchoolDays { get; init; }

    public int? ConsecutiveDays { get; init; }

    public decimal? AbsentDayPercent { get; init; }

    public int? Count { get; init; }

    public UnexcusedCountingUnit? CountingUnit { get; init; }

    /// <summary>The municipality's rule with this override's values on top.</summary>
    public RuleDefinition ApplyTo(RuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule with
        {
            Enabled = Enabled ?? rule.Enabled,
            Severity = Severity ?? rule.Severity,
            ThresholdPercent = ThresholdPercent ?? rule.ThresholdPercent,
            RearmBelowPercent = RearmBelowPercent ?? rule.RearmBelowPercent,
            WindowSchoolDays = WindowSchoolDays ?? rule.WindowSchoolDays,
            MinimumReportedSchoolDays = MinimumReportedSchoolDays ?? rule.MinimumReportedSchoolDays,
            ConsecutiveDays = ConsecutiveDays ?? rule.ConsecutiveDays,
            AbsentDayPercent = AbsentDayPercent ?? rule.AbsentDayPercent,
            Count = Count ?? rule.Count,
            CountingUnit = CountingUnit ?? rule.CountingUnit,
        };
    }
}
