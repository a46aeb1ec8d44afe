using Samverkan.Domain.Calendar;

namespace Samverkan.Domain.Cases;

/// <summary>
/// The durable timers of case work, one per thing that can come due: <c>action:{id}</c> (a plan action's overdue
/// reminder, then its escalation), <c>meeting:{id}</c> (the morning of a scheduled meeting), <c>follow-up:{id}</c>
/// (a held meeting's next follow-up date), <c>placement:{id}</c> (a placed child's follow-up: overdue, then escalated)
/// and <c>sip</c> (the SIP's first-meeting reminder, then its deadline). All go to <see cref="CaseWorkDecisions.TimerDue"/>.
/// </summary>
public static class CaseWorkTimers
{
    public const string ActionPrefix = "action:";
    public const string MeetingPrefix = "meeting:";
    public const string FollowUpPrefix = "follow-up:";
    public const string PlacementPrefix = "placement:";
    public const string Sip = "sip";

    /// <summary>True for the names <see cref="CaseWorkDecisions.TimerDue"/> handles.</summary>
    public static bool IsCaseWork(string name) =>
        name == Sip
        || name.StartsWith(ActionPrefix, StringComparison.Ordinal)
        || name.StartsWith(MeetingPrefix, StringComparison.Ordinal)
        || name.StartsWith(FollowUpPrefix, StringComparison.Ordinal)
        || name.StartsWith(PlacementPrefix, StringComparison.Ordinal);
}

/// <summary>Working-day arithmetic for case-work deadlines (weekdays that are not Swedish public holidays).</summary>
public static class WorkingDays
{
    /// <summary>The <paramref name="count"/>-th working day after <paramref name="day"/> (the day itself when count is 0).</summary>
    public static DateOnly After(DateOnly day, int count)
    {
        for (var i = 0; i < count; i++)
        {
            do
            {
                day = day.AddDays(1);
            }
            while (!SwedishHolidays.IsWorkingDay(day));
        }

        return day;
    }

    /// <summary>The same Swedish clock time <paramref name="count"/> working days after <paramref name="instant"/>.</summary>
    public static DateTimeOffset After(DateTimeOffset instant, int count)
    {
        var local = SwedishTime.ToLocal(instant);
        return SwedishTime.AtLocal(After(DateOnly.FromDateTime(local.DateTime), count), TimeOnly.FromDateTime(local.DateTime));
    }

    /// <summary>The check time (Swedish local) on <paramref name="day"/>.</summary>
    public static DateTimeOffset At(DateOnly day, CaseWorkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return SwedishTime.AtLocal(day, policy.CheckTime);
    }
}
