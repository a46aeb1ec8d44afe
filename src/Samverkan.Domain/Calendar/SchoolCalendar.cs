using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Calendar;

/// <summary>
/// A compiled school calendar: a school day is a weekday inside a term that is neither a public holiday
/// (<see cref="SwedishHolidays"/>) nor inside a configured break. Dates outside every configured school
/// year are not school days. Immutable and safe to share between actors.
/// </summary>
public sealed class SchoolCalendar
{
    private readonly DateOnly[] _schoolDays;

    private SchoolCalendar(SchoolCalendarDefinition definition, DateOnly[] schoolDays, ImmutableArray<Term> terms)
    {
        Definition = definition;
        _schoolDays = schoolDays;
        Terms = terms;
    }

    public SchoolCalendarDefinition Definition { get; }

    public MunicipalityCode Municipality => Definition.Municipality;

    /// <summary>All terms, in order.</summary>
    public ImmutableArray<Term> Terms { get; }

    /// <summary>The first and last school day, or null for an empty calendar.</summary>
    public DateRange? Coverage => _schoolDays.Length == 0 ? null : new DateRange(_schoolDays[0], _schoolDays[^1]);

    /// <summary>Compiles a definition; throws <see cref="ArgumentException"/> when it is invalid.</summary>
    public static SchoolCalendar Create(SchoolCalendarDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = definition.Validate();
        if (!errors.IsEmpty)
        {
            throw new ArgumentException(
                "Invalid school calendar: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
                nameof(definition));
        }

        var days = new List<DateOnly>();
        var terms = ImmutableArray.CreateBuilder<Term>();
        foreach (var year in definition.Years)
        {
            foreach (var (kind, range) in new[] { (TermKind.Autumn, year.AutumnTerm), (TermKind.Spring, year.SpringTerm) })
            {
                terms.Add(new Term(year.StartYear, kind, range));
                for (var d = range.Start; d <= range.End; d = d.AddDays(1))
                {
                    if (SwedishHolidays.IsWorkingDay(d) && !year.Breaks.Any(b => b.Dates.Contains(d)))
                    {
                        days.Add(d);
                    }
                }
            }
        }

        return new SchoolCalendar(definition, [.. days], terms.ToImmutable());
    }

    /// <summary>The default Swedish calendar (see <see cref="SchoolCalendarDefinition.SwedishDefault"/>), compiled.</summary>
    public static SchoolCalendar SwedishDefault(MunicipalityCode municipality, int firstStartYear, int lastStartYear, int winterBreakIsoWeek = 9) =>
        Create(SchoolCalendarDefinition.SwedishDefault(municipality, firstStartYear, lastStartYear, winterBreakIsoWeek));

    public bool IsSchoolDay(DateOnly date) => Array.BinarySearch(_schoolDays, date) >= 0;

    /// <summary>A weekday that is not a public holiday, whatever the school calendar says.</summary>
    public static bool IsWorkingDay(DateOnly date) => SwedishHolidays.IsWorkingDay(date);

    public bool IsInTerm(DateOnly date) => TermContaining(date) is not null;

    /// <summary>The term whose dates contain <paramref name="date"/> (breaks inside a term count as in it).</summary>
    public Term? TermContaining(DateOnly date) => Terms.FirstOrDefault(t => t.Dates.Contains(date));

    /// <summary>The term containing <paramref name="date"/>, or else the latest term that ended before it.</summary>
    public Term? CurrentOrPreviousTerm(DateOnly date) => Terms.LastOrDefault(t => t.Dates.Start <= date);

    /// <summary>The number of school days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public int CountSchoolDays(DateOnly from, DateOnly to) =>
        to < from ? 0 : FirstIndexAfter(to) - FirstIndexOnOrAfter(from);

    /// <summary>The school days from <paramref name="from"/> to <paramref name="to"/>, both included, in order.</summary>
    public ImmutableArray<DateOnly> SchoolDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            return [];
        }

        var start = FirstIndexOnOrAfter(from);
        return [.. _schoolDays.AsSpan(start, FirstIndexAfter(to) - start)];
    }

    /// <summary>
    /// The last <paramref name="count"/> school days on or before <paramref name="onOrBefore"/>, in date
    /// order (fewer when the calendar starts later). Weekends, holidays and breaks are skipped, so the
    /// calendar span of the result grows over them.
    /// </summary>
    public ImmutableArray<DateOnly> LastSchoolDays(DateOnly onOrBefore, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var end = FirstIndexAfter(onOrBefore);
        var start = Math.Max(0, end - count);
        return [.. _schoolDays.AsSpan(start, end - start)];
    }

    /// <summary>The first school day strictly after <paramref name="date"/>.</summary>
    public DateOnly? NextSchoolDay(DateOnly date)
    {
        var index = FirstIndexAfter(date);
        return index < _schoolDays.Length ? _schoolDays[index] : null;
    }

    /// <summary>The last school day strictly before <paramref name="date"/>.</summary>
    public DateOnly? PreviousSchoolDay(DateOnly date)
    {
        var index = FirstIndexOnOrAfter(date) - 1;
        return index >= 0 ? _schoolDays[index] : null;
    }

    /// <summary>The last school day on or before <paramref name="date"/>.</summary>
    public DateOnly? LatestSchoolDayOnOrBefore(DateOnly date)
    {
        var index = FirstIndexAfter(date) - 1;
        return index >= 0 ? _schoolDays[index] : null;
    }

    private int FirstIndexOnOrAfter(DateOnly date)
    {
        var index = Array.BinarySearch(_schoolDays, date);
        return index >= 0 ? index : ~index;
    }

    private int FirstIndexAfter(DateOnly date)
    {
        var index = Array.BinarySearch(_schoolDays, date);
        return index >= 0 ? index + 1 : ~index;
    }
}
