using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Cases;

/// <summary>Computes acknowledgement deadlines with the school calendar.</summary>
public static class AcknowledgementDeadline
{
    /// <summary>
    /// Urgent: <paramref name="openedAt"/> plus <see cref="AcknowledgementPolicy.UrgentWithin"/>. Otherwise
    /// the same Swedish clock time on the N-th school day (or working day, see the policy) after the day of
    /// opening: opened Friday 14:00 before an ordinary weekend, due Monday 14:00. Without a calendar, or
    /// past its last school day, working days are used.
    /// </summary>
    public static DateTimeOffset Compute(DateTimeOffset openedAt, Severity severity, CaseKind kind, SchoolCalendar? calendar, AcknowledgementPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (severity == Severity.Urgent)
        {
            return openedAt + policy.UrgentWithin;
        }

        var local = SwedishTime.ToLocal(openedAt);
        var day = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var schoolDays = calendar is not null && !policy.WorkingDayKinds.Contains(kind);
        for (var i = 0; i < Math.Max(1, policy.Days); i++)
        {
            day = (schoolDays ? calendar!.NextSchoolDay(day) : null) ?? NextWorkingDay(day);
        }

        return SwedishTime.AtLocal(day, time);
    }

    private static DateOnly NextWorkingDay(DateOnly day)
    {
        do
        {
            day = day.AddDays(1);
        }
        while (!SwedishHolidays.IsWorkingDay(day));
        return day;
    }
}
