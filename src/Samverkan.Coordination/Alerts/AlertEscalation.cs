using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination.Alerts;

/// <summary>
/// When an alert of a case must be acknowledged before it escalates (pure; tested without a database).
/// </summary>
/// <remarks>
/// Urgent alerts: <see cref="UrgentDeadline"/> (four hours). Others: one working day, the same Swedish local time on the
/// next weekday that is not a public holiday (<see cref="SwedishHolidays.IsWorkingDay"/>). Working days rather than the
/// municipality's school days: the people alerted (student-health staff, social workers, managers) work through school
/// breaks, and the deadline is computed in the inbox without reading any reference data.
/// </remarks>
public static class AlertEscalation
{
    public static readonly TimeSpan UrgentDeadline = TimeSpan.FromHours(4);

    /// <summary>The name of the inbox timer that escalates <paramref name="alertKey"/>.</summary>
    public static string TimerName(string alertKey) => "escalate:" + alertKey;

    /// <summary>Only alerts of a case escalate, and an escalation never escalates again.</summary>
    public static bool Escalates(DeliverAlert delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return delivery.Alert.Case is not null && delivery.EscalatedFrom is null;
    }

    public static DateTimeOffset DeadlineFor(Severity severity, DateTimeOffset deliveredAt)
    {
        if (severity == Severity.Urgent)
        {
            return deliveredAt + UrgentDeadline;
        }

        var local = SwedishTime.ToLocal(deliveredAt);
        var day = DateOnly.FromDateTime(local.DateTime).AddDays(1);
        while (!SwedishHolidays.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return SwedishTime.AtLocal(day, TimeOnly.FromDateTime(local.DateTime));
    }

    /// <summary>The alert an escalation recipient gets: same child, case and severity, raised now.</summary>
    public static AlertRequest EscalationOf(AlertRequest alert, Domain.Organisation.StaffId recipient, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert with
        {
            Kind = AlertKind.CaseAcknowledgementOverdue,
            Recipient = AlertRecipient.ToStaff(recipient),
            RaisedAt = now,
            Text = new LocalizedText(
                "En underrättelse i ett ärende har inte kvitterats i tid och har eskalerats till dig.",
                "An alert of a case was not acknowledged in time and was escalated to you."),
        };
    }
}
