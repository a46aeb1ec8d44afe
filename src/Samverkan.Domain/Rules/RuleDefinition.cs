using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Rules;

/// <summary>
/// One rule as data: a kind and its parameters. Parameters that do not apply to the kind are null.
/// See docs/domain.md for the exact definition of each kind.
/// </summary>
public sealed record RuleDefinition
{
    public required RuleId Id { get; init; }

    public required RuleKind Kind { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>The severity of the case trigger a firing raises.</summary>
    public Severity Severity { get; init; } = Severity.Normal;

    /// <summary><see cref="RuleKind.TotalAbsenceShare"/>: fires at or above this share (percent of offered minutes).</summary>
    public decimal? ThresholdPercent { get; init; }

    /// <summary><see cref="RuleKind.TotalAbsenceShare"/>: re-arms below this share (hysteresis).</summary>
    public decimal? RearmBelowPercent { get; init; }

    /// <summary>
    /// <see cref="RuleKind.TotalAbsenceShare"/>: the window in school days (4 weeks = 20);
    /// <see cref="RuleKind.ConsecutiveAbsentDays"/>: the look-back in school days.
    /// </summary>
    public int? WindowSchoolDays { get; init; }

    /// <summary><see cref="RuleKind.TotalAbsenceShare"/>: school days in the window that must have registrations before the share is judged.</summary>
    public int? MinimumReportedSchoolDays { get; init; }

    /// <summary><see cref="RuleKind.ConsecutiveAbsentDays"/>: the length of the run.</summary>
    public int? ConsecutiveDays { get; init; }

    /// <summary><see cref="RuleKind.ConsecutiveAbsentDays"/>: a day is absent when absence covers at least this share of its offered time.</summary>
    public decimal? AbsentDayPercent { get; init; }

    /// <summary><see cref="RuleKind.UnexcusedAbsencesInTerm"/>: unexcused absences; <see cref="RuleKind.RepeatedConcern"/>: concerns.</summary>
    public int? Count { get; init; }

    /// <summary><see cref="RuleKind.UnexcusedAbsencesInTerm"/>: what one unexcused absence is.</summary>
    public UnexcusedCountingUnit? CountingUnit { get; init; }

    /// <summary><see cref="RuleKind.RepeatedConcern"/>: the span in months.</summary>
    public int? WithinMonths { get; init; }

    /// <summary>What the rule means with these parameters, in Swedish and English.</summary>
    [JsonIgnore]
    public LocalizedText Description => RuleDescriptions.Describe(this);
}
