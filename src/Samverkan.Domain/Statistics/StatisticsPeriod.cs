using System.Globalization;

namespace Samverkan.Domain.Statistics;

/// <summary>The buckets of statistics over time: ISO weeks (Monday to Sunday) or calendar months, in Swedish time.</summary>
public enum PeriodKind
{
    Week,

    Month,
}

/// <summary>
/// A requested range, widened to whole periods: <see cref="From"/> is the first day of its week or month, <see cref="To"/>
/// the last day of its. A bucket then always covers the same days whatever range is asked for, so two requests for
/// overlapping ranges cannot be subtracted to give a count for a few days that no bucket shows.
/// </summary>
public sealed record StatisticsRange(PeriodKind Kind, DateOnly From, DateOnly To)
{
    /// <summary>The widest range one request may ask for: enough for two school years by month.</summary>
    public const int MaxDays = 800;

    public static StatisticsRange Whole(PeriodKind kind, DateOnly from, DateOnly to) =>
        new(kind, StartOf(kind, from), EndOf(kind, to));

    /// <summary>The first day after the range (exclusive bound for timestamps).</summary>
    public DateOnly EndExclusive => To.AddDays(1);

    public static DateOnly StartOf(PeriodKind kind, DateOnly day) => kind switch
    {
        PeriodKind.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        _ => new DateOnly(day.Year, day.Month, 1),
    };

    public static DateOnly EndOf(PeriodKind kind, DateOnly day) => kind switch
    {
        PeriodKind.Week => StartOf(kind, day).AddDays(6),
        _ => new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1),
    };

    /// <summary>The label of the bucket a day falls in: <c>2026-W13</c> (ISO week) or <c>2026-03</c>.</summary>
    public static string Label(PeriodKind kind, DateOnly day) => kind switch
    {
        PeriodKind.Week => string.Create(CultureInfo.InvariantCulture,
            $"{ISOWeek.GetYear(day.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(day.ToDateTime(TimeOnly.MinValue)):00}"),
        _ => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    /// <summary>Every bucket's first day, in order.</summary>
    public IEnumerable<DateOnly> Buckets()
    {
        for (var day = From; day <= To; day = Kind == PeriodKind.Week ? day.AddDays(7) : day.AddMonths(1))
        {
            yield return day;
        }
    }
}
