using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Samverkan.Domain.Calendar;

/// <summary>Swedish public holidays (helgdagar enligt lagen 1989:253) and the de-facto eves, computed.</summary>
public static class SwedishHolidays
{
    private static readonly ConcurrentDictionary<int, FrozenSet<DateOnly>> DatesByYear = new();

    /// <summary>Easter Sunday (Gregorian computus, anonymous algorithm of Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        if (year is < 1583 or > 9999)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "The Gregorian computus needs a year from 1583.");
        }

        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>Midsummer Eve: the Friday between 19 and 25 June.</summary>
    public static DateOnly MidsummerEve(int year) => FirstOnOrAfter(new DateOnly(year, 6, 19), DayOfWeek.Friday);

    /// <summary>Midsummer Day: the Saturday between 20 and 26 June.</summary>
    public static DateOnly MidsummerDay(int year) => FirstOnOrAfter(new DateOnly(year, 6, 20), DayOfWeek.Saturday);

    /// <summary>All Saints' Day: the Saturday between 31 October and 6 November.</summary>
    public static DateOnly AllSaintsDay(int year) => FirstOnOrAfter(new DateOnly(year, 10, 31), DayOfWeek.Saturday);

    /// <summary>Every holiday of <paramref name="year"/>, in date order.</summary>
    public static ImmutableArray<PublicHoliday> For(int year)
    {
        var easter = EasterSunday(year);
        PublicHoliday[] days =
        [
            new(new DateOnly(year, 1, 1), "new-years-day", new("Nyårsdagen", "New Year's Day")),
            new(new DateOnly(year, 1, 6), "epiphany", new("Trettondedag jul", "Epiphany")),
            new(easter.AddDays(-2), "good-friday", new("Långfredagen", "Good Friday")),
            new(easter, "easter-sunday", new("Påskdagen", "Easter Sunday")),
            new(easter.AddDays(1), "easter-monday", new("Annandag påsk", "Easter Monday")),
            new(new DateOnly(year, 5, 1), "may-day", new("Första maj", "May Day")),
            new(easter.AddDays(39), "ascension-day", new("Kristi himmelsfärdsdag", "Ascension Day")),
            new(easter.AddDays(49), "whit-sunday", new("Pingstdagen", "Whit Sunday")),
            new(new DateOnly(year, 6, 6), "national-day", new("Sveriges nationaldag", "National Day of Sweden")),
            new(MidsummerEve(year), "midsummer-eve", new("Midsommarafton", "Midsummer Eve"), IsDeFacto: true),
            new(MidsummerDay(year), "midsummer-day", new("Midsommardagen", "Midsummer Day")),
            new(AllSaintsDay(year), "all-saints-day", new("Alla helgons dag", "All Saints' Day")),
            new(new DateOnly(year, 12, 24), "christmas-eve", new("Julafton", "Christmas Eve"), IsDeFacto: true),
            new(new DateOnly(year, 12, 25), "christmas-day", new("Juldagen", "Christmas Day")),
            new(new DateOnly(year, 12, 26), "boxing-day", new("Annandag jul", "Boxing Day")),
            new(new DateOnly(year, 12, 31), "new-years-eve", new("Nyårsafton", "New Year's Eve"), IsDeFacto: true),
        ];
        return [.. days.OrderBy(d => d.Date)];
    }

    /// <summary>True when <paramref name="date"/> is a public holiday or a de-facto holiday eve.</summary>
    public static bool IsHoliday(DateOnly date) =>
        DatesByYear.GetOrAdd(date.Year, static y => For(y).Select(h => h.Date).ToFrozenSet()).Contains(date);

    /// <summary>A weekday that is not a holiday: the days social services and health care work.</summary>
    public static bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    private static DateOnly FirstOnOrAfter(DateOnly date, DayOfWeek day) =>
        date.AddDays(((int)day - (int)date.DayOfWeek + 7) % 7);
}
