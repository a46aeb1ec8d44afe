using System.Collections.Immutable;
using System.Globalization;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Calendar;

/// <summary>
/// A municipality's school calendar as data (persisted, edited by the municipality): school years with
/// terms and breaks. Compile it with <see cref="SchoolCalendar.Create"/> to ask questions of it.
/// </summary>
public sealed record SchoolCalendarDefinition
{
    public required MunicipalityCode Municipality { get; init; }

    /// <summary>The school years, in order.</summary>
    public ImmutableArray<SchoolYearDefinition> Years { get; init; } = [];

    /// <summary>Problems that make the definition unusable; empty when it is valid.</summary>
    public ImmutableArray<FieldError> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        SchoolYearDefinition? previous = null;
        for (var i = 0; i < Years.Length; i++)
        {
            var year = Years[i];
            var field = $"years[{i}]";
            if (year.AutumnTerm.End >= year.SpringTerm.Start)
            {
                errors.Add(new FieldError($"{field}.springTerm", "TermsOverlap", $"The spring term of {year.Label} must start after the autumn term ends."));
            }

            if (previous is not null && (year.StartYear <= previous.StartYear || year.AutumnTerm.Start <= previous.SpringTerm.End))
            {
                errors.Add(new FieldError($"{field}.startYear", "YearsOutOfOrder", $"School year {year.Label} must follow {previous.Label} without overlap."));
            }

            var span = new DateRange(year.AutumnTerm.Start, year.SpringTerm.End >= year.AutumnTerm.Start ? year.SpringTerm.End : year.AutumnTerm.End);
            for (var b = 0; b < year.Breaks.Length; b++)
            {
                if (!year.Breaks[b].Dates.Overlaps(span) && year.Breaks[b].Kind is not (BreakKind.Summer or BreakKind.Christmas))
                {
                    errors.Add(new FieldError($"{field}.breaks[{b}]", "BreakOutsideYear", $"The break {year.Breaks[b].Dates} lies outside {year.Label}."));
                }
            }

            previous = year;
        }

        return errors.ToImmutable();
    }

    /// <summary>
    /// A typical Swedish calendar for demos and for municipalities that have not configured their own:
    /// the autumn term from the Monday of ISO week 34 to the last weekday on or before 20 December; the
    /// spring term from the first weekday on or after 8 January to the Friday of ISO week 24; breaks:
    /// autumn (ISO week 44), winter/sportlov (ISO week <paramref name="winterBreakIsoWeek"/>, 7–10 by
    /// region), Easter (Easter Monday to the Friday after), plus Christmas and summer between the terms.
    /// Public holidays are always excluded.
    /// </summary>
    public static SchoolCalendarDefinition SwedishDefault(
        MunicipalityCode municipality,
        int firstStartYear,
        int lastStartYear,
        int winterBreakIsoWeek = 9)
    {
        if (lastStartYear < firstStartYear)
        {
            throw new ArgumentOutOfRangeException(nameof(lastStartYear), "The last school year is before the first.");
        }

        if (winterBreakIsoWeek is < 6 or > 11)
        {
            throw new ArgumentOutOfRangeException(nameof(winterBreakIsoWeek), "Sportlov falls in ISO weeks 6 to 11.");
        }

        var years = ImmutableArray.CreateBuilder<SchoolYearDefinition>();
        for (var y = firstStartYear; y <= lastStartYear; y++)
        {
            var autumnStart = Monday(y, 34);
            var autumnEnd = LastWeekdayOnOrBefore(new DateOnly(y, 12, 20));
            var springStart = FirstWeekdayOnOrAfter(new DateOnly(y + 1, 1, 8));
            var springEnd = Monday(y + 1, 24).AddDays(4);
            var easterMonday = SwedishHolidays.EasterSunday(y + 1).AddDays(1);
            var nextAutumnStart = Monday(y + 1, 34);
            years.Add(new SchoolYearDefinition
            {
                StartYear = y,
                AutumnTerm = new DateRange(autumnStart, autumnEnd),
                SpringTerm = new DateRange(springStart, springEnd),
                Breaks =
                [
                    new SchoolBreak(BreakKind.Autumn, Week(y, 44), "Höstlov"),
                    new SchoolBreak(BreakKind.Christmas, new DateRange(autumnEnd.AddDays(1), springStart.AddDays(-1)), "Jullov"),
                    new SchoolBreak(BreakKind.Winter, Week(y + 1, winterBreakIsoWeek), "Sportlov"),
                    new SchoolBreak(BreakKind.Easter, new DateRange(easterMonday, easterMonday.AddDays(4)), "Påsklov"),
                    new SchoolBreak(BreakKind.Summer, new DateRange(springEnd.AddDays(1), nextAutumnStart.AddDays(-1)), "Sommarlov"),
                ],
            });
        }

        return new SchoolCalendarDefinition { Municipality = municipality, Years = years.ToImmutable() };
    }

    private static DateOnly Monday(int year, int isoWeek) =>
        DateOnly.FromDateTime(ISOWeek.ToDateTime(year, isoWeek, DayOfWeek.Monday));

    private static DateRange Week(int year, int isoWeek) => new(Monday(year, isoWeek), Monday(year, isoWeek).AddDays(4));

    private static DateOnly LastWeekdayOnOrBefore(DateOnly date)
    {
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            date = date.AddDays(-1);
        }

        return date;
    }

    private static DateOnly FirstWeekdayOnOrAfter(DateOnly date)
    {
        while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            date = date.AddDays(1);
        }

        return date;
    }
}
