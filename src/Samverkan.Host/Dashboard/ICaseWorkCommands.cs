using System.Collections.Immutable;
using Samverkan.Domain.Cases;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// Case work that the case actor gains with issue 8 (take the lead, plan actions, meetings). The dashboard shows those
/// forms and sections only when an implementation is registered; the lead wires one to the case actor's messages
/// (sending them through <see cref="DashboardData.CommandAsync"/>, which checks access and audits like the API).
/// </summary>
public interface ICaseWorkCommands
{
    /// <summary>The viewer takes the lead (samordnande roll) of the case.</summary>
    Task<ActionOutcome> TakeLeadAsync(DashboardUser user, string caseId, CancellationToken cancellationToken);

    /// <summary>Adds an action to the case's plan: what, who owns it (a staff id) and by when.</summary>
    Task<ActionOutcome> AddPlanActionAsync(DashboardUser user, string caseId, string what, string owner, DateOnly due, CancellationToken cancellationToken);

    /// <summary>Records a meeting held on <paramref name="date"/> with a short note.</summary>
    Task<ActionOutcome> RecordMeetingAsync(DashboardUser user, string caseId, DateOnly date, string notes, CancellationToken cancellationToken);

    /// <summary>The plan's actions in the case state, for display.</summary>
    ImmutableArray<PlanActionItem> PlanOf(CaseState state);

    /// <summary>The meetings in the case state, for display.</summary>
    ImmutableArray<MeetingItem> MeetingsOf(CaseState state);
}

/// <summary>A plan action as the case page shows it.</summary>
public sealed record PlanActionItem(string What, string? Owner, DateOnly? Due, bool Done);

/// <summary>A meeting as the case page shows it.</summary>
public sealed record MeetingItem(DateOnly Date, string? Notes);
