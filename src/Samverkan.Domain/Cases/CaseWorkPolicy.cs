namespace Samverkan.Domain.Cases;

/// <summary>
/// The deadlines of case work. Working days are weekdays that are not Swedish public holidays; reminders and checks
/// fire at <see cref="CheckTime"/> Swedish local time.
/// </summary>
public sealed record CaseWorkPolicy
{
    public static CaseWorkPolicy Default { get; } = new();

    /// <summary>Working days after an action became overdue (or a follow-up was missed) before it escalates.</summary>
    public int EscalateAfterWorkingDays { get; init; } = 3;

    /// <summary>A SIP's first meeting is held within this many working days of the start.</summary>
    public int SipFirstMeetingWorkingDays { get; init; } = 5;

    /// <summary>The interval of a placed child's joint school follow-ups.</summary>
    public int PlacementFollowUpMonths { get; init; } = 3;

    /// <summary>Social services give the reporter of a concern feedback within this many working days.</summary>
    public int ReporterFeedbackWorkingDays { get; init; } = 10;

    /// <summary>The reminder of the feedback comes this many working days before its deadline.</summary>
    public int ReporterFeedbackReminderWorkingDays { get; init; } = 2;

    public TimeOnly CheckTime { get; init; } = new(8, 0);
}
