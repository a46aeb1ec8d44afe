namespace Samverkan.Domain.Calendar;

/// <summary>
/// Swedish local time (Europe/Stockholm) computed from the EU rule, without reading time-zone files:
/// UTC+1, and UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
/// School dates are Swedish dates, so "today" is always derived through this type.
/// </summary>
public static class SwedishTime
{
    private static readonly TimeSpan Winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan Summer = TimeSpan.FromHours(2);

    /// <summary>The UTC offset in Sweden at <paramref name="instant"/>.</summary>
    public static TimeSpan OffsetAt(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var start = LastSunday(utc.Year, 3).AddHours(1);
        var end = LastSunday(utc.Year, 10).AddHours(1);
        return utc >= start && utc < end ? Summer : Winter;
    }

    /// <summary>The same instant expressed in Swedish local time.</summary>
    public static DateTimeOffset ToLocal(DateTimeOffset instant) => instant.ToOffset(OffsetAt(instant));

    /// <summary>The Swedish calendar date at <paramref name="instant"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    /// <summary>
    /// The instant of a Swedish wall-clock time. In the autumn's repeated hour the earlier instant is
    /// chosen; a time in the spring's skipped hour is read with winter offset.
    /// </summary>
    public static DateTimeOffset AtLocal(DateOnly date, TimeOnly time)
    {
        var wall = date.ToDateTime(time, DateTimeKind.Unspecified);
        var asSummer = new DateTimeOffset(wall, Summer);
        if (OffsetAt(asSummer) == Summer)
        {
            return asSummer;
        }

        return new DateTimeOffset(wall, Winter);
    }

    private static DateTime LastSunday(int year, int month)
    {
        var last = new DateTime(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, DateTimeKind.Utc);
        return last.AddDays(-(int)last.DayOfWeek);
    }
}
