using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;

namespace Samverkan.Domain.Rules;

/// <summary>A named figure of evidence (see <see cref="EvidenceFigures"/> for the names).</summary>
public sealed record EvidenceFigure(string Name, decimal Value);

/// <summary>The names of evidence figures.</summary>
public static class EvidenceFigures
{
    public const string AbsentPercent = "absentPercent";
    public const string AbsentMinutes = "absentMinutes";
    public const string ExcusedMinutes = "excusedMinutes";
    public const string UnexcusedMinutes = "unexcusedMinutes";
    public const string OfferedMinutes = "offeredMinutes";
    public const string ThresholdPercent = "thresholdPercent";
    public const string SchoolDaysInWindow = "schoolDaysInWindow";
    public const string ReportedSchoolDays = "reportedSchoolDays";
    public const string ConsecutiveDays = "consecutiveDays";
    public const string Threshold = "threshold";
    public const string UnexcusedCount = "unexcusedCount";
    public const string ConcernCount = "concernCount";
    public const string WithinMonths = "withinMonths";
}

/// <summary>Why a rule fired (or where a rule stands): the figures, the window and what contributed.</summary>
public sealed record RuleEvidence
{
    public required LocalizedText Summary { get; init; }

    public ImmutableArray<EvidenceFigure> Figures { get; init; } = [];

    /// <summary>The dates the rule looked at (for absence rules).</summary>
    public DateRange? Window { get; init; }

    /// <summary>The dates that contributed (absent days, days with unexcused absence).</summary>
    public ImmutableArray<DateOnly> ContributingDates { get; init; } = [];

    /// <summary>The concerns that contributed.</summary>
    public ImmutableArray<ConcernId> ContributingConcerns { get; init; } = [];

    /// <summary>For a signal under watch: the rules whose firing it carries.</summary>
    public ImmutableArray<RuleId> UnderlyingRules { get; init; } = [];

    /// <summary>The figure named <paramref name="name"/>, if present.</summary>
    public decimal? Figure(string name) => Figures.FirstOrDefault(f => f.Name == name)?.Value;
}
