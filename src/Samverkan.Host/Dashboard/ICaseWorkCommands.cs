using System.Collections.Immutable;
using Samverkan.Domain.Cases;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// Case work on the case page (issue 8): take the lead, plan actions, meetings. The page shows those forms and sections
/// only when an implementation is registered; <see cref="CaseWorkCommands"/> sends the case actor's messages through
/// <see cref="DashboardData.CommandAsync"/>, which checks access and audits like the API.
/// </summary>
public interface ICaseWorkCommands
{
    /// <summary>The viewer takes the lead (samordnande roll) of the case.</summary>
    Task<ActionOutcome> TakeLeadAsync(DashboardUser user, string caseId, CancellationToken cancellationToken);

    /// <summary>Adds an action to the case's plan: what, who owns it (a staff id; null: the viewer's organisation) and by when.</summary>
    Task<ActionOutcome> AddPlanActionAsync(DashboardUser user, string caseId, string what, string? owner, DateOnly due, CancellationToken cancellationToken);

    /// <summary>The action's owner organisation moves it to <paramref name="status"/>.</summary>
    Task<ActionOutcome> UpdatePlanActionAsync(DashboardUser user, string caseId, string actionId, PlanActionStatus status, CancellationToken cancellationToken);

    /// <summary>Schedules a meeting of the participants at <paramref name="at"/> (in the future).</summary>
    Task<ActionOutcome> ScheduleMeetingAsync(DashboardUser user, string caseId, DateTimeOffset at, string? purpose, CancellationToken cancellationToken);

    /// <summary>
    /// Records a scheduled meeting as held now: the staff who attended (each for their organisation), the decisions, the
    /// next follow-up date and whether the plan was agreed.
    /// </summary>
    Task<ActionOutcome> RecordMeetingAsync(
        DashboardUser user, string caseId, string meetingId, IReadOnlyCollection<string> attendees, IReadOnlyList<string> decisions,
        DateOnly? nextFollowUp, bool planAgreed, CancellationToken cancellationToken);

    /// <summary>The plan's actions in the case state, for display.</summary>
    ImmutableArray<PlanActionItem> PlanOf(CaseState state);

    /// <summary>The meetings in the case state, for display (next scheduled first, then the held ones, newest first).</summary>
    ImmutableArray<MeetingItem> MeetingsOf(CaseState state);
}

/// <summary>A plan action as the case page shows it.</summary>
public sealed record PlanActionItem(
    string Id, string What, string? Owner, string Organisation, string Agency, DateOnly Due, PlanActionStatus Status, string? Progress, bool Overdue,
    bool Escalated)
{
    public bool Done => Status is PlanActionStatus.Done or PlanActionStatus.Cancelled;
}

/// <summary>A meeting as the case page shows it.</summary>
public sealed record MeetingItem(
    string Id, DateTimeOffset ScheduledAt, string? Purpose, bool Held, DateTimeOffset? HeldAt, ImmutableArray<MeetingAttendee> Attendees,
    ImmutableArray<string> Decisions, DateOnly? NextFollowUpOn);
