using Samverkan.Domain.Common;
using System.Collections.Immutable;
using Npgsql;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Api;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// The case page's case work: the API's requests (<see cref="CaseWorkRequests"/>, so the same checks) sent as the person
/// through <see cref="DashboardData.CommandAsync"/> (the case's access check, audited as a write). The domain decides the
/// rest (participants only, owner organisation only, dates) and its refusals are shown on the page. Scoped: one per circuit.
/// </summary>
public sealed class CaseWorkCommands(DashboardData data, NpgsqlDataSource database, ServiceClock time) : ICaseWorkCommands
{
    public Task<ActionOutcome> TakeLeadAsync(DashboardUser user, string caseId, CancellationToken cancellationToken) =>
        SendAsync(user, caseId, CaseWorkRequests.Lead(new LeadRequest(null)), "lead", cancellationToken);

    public Task<ActionOutcome> AddPlanActionAsync(DashboardUser user, string caseId, string what, string? owner, DateOnly due, CancellationToken cancellationToken) =>
        SendAsync(user, caseId, CaseWorkRequests.AddAction(new PlanActionRequest(what, due, null, null, string.IsNullOrWhiteSpace(owner) ? null : owner)), "plan-action",
            cancellationToken);

    public Task<ActionOutcome> UpdatePlanActionAsync(DashboardUser user, string caseId, string actionId, PlanActionStatus status, CancellationToken cancellationToken) =>
        SendAsync(user, caseId, CaseWorkRequests.UpdateAction(actionId, new PlanActionUpdateRequest(status, null, null)), "plan-action-update", cancellationToken);

    public Task<ActionOutcome> ScheduleMeetingAsync(DashboardUser user, string caseId, DateTimeOffset at, string? purpose, CancellationToken cancellationToken) =>
        SendAsync(user, caseId, CaseWorkRequests.ScheduleMeeting(new MeetingRequest(at, string.IsNullOrWhiteSpace(purpose) ? null : purpose.Trim())), "meeting",
            cancellationToken);

    public async Task<ActionOutcome> RecordMeetingAsync(
        DashboardUser user, string caseId, string meetingId, IReadOnlyCollection<string> attendees, IReadOnlyList<string> decisions,
        DateOnly? nextFollowUp, bool planAgreed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(attendees);
        ArgumentNullException.ThrowIfNull(decisions);
        if (attendees.Count > CaseWorkApi.MaxAttendees || decisions.Count > CaseWorkApi.MaxDecisions)
        {
            return new ActionOutcome(false, $"At most {CaseWorkApi.MaxAttendees} attendees and {CaseWorkApi.MaxDecisions} decisions.");
        }

        // Attendance is by organisation: each staff member who came stands for their organisation and agency.
        var staff = await OrganisationsOfAsync(attendees, cancellationToken).ConfigureAwait(false);
        var request = new MeetingHeldRequest(
            time.GetUtcNow(),
            [.. staff.Select(s => new AttendeeRequest(s.Organisation, s.Agency, s.Staff))],
            [.. decisions.Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d.Trim())],
            nextFollowUp,
            planAgreed,
            null);
        return await SendAsync(user, caseId, CaseWorkRequests.MeetingHeld(meetingId, request), "meeting-held", cancellationToken).ConfigureAwait(false);
    }

    public ImmutableArray<PlanActionItem> PlanOf(CaseState state) => PlanItems(state);

    public ImmutableArray<MeetingItem> MeetingsOf(CaseState state) => MeetingItems(state);

    /// <summary>Open actions first, by due date; overdue and escalated only while open.</summary>
    public static ImmutableArray<PlanActionItem> PlanItems(CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Plan.Actions
            .OrderBy(a => a.IsOpen ? 0 : 1).ThenBy(a => a.DueOn).ThenBy(a => a.AddedAt)
            .Select(a => new PlanActionItem(
                a.Id, a.What, a.Owner?.Value, a.Organisation.Value, a.Agency.ToString(), a.DueOn, a.Status, a.Progress,
                a.IsOpen && a.OverdueSince is not null, a.IsOpen && a.EscalatedAt is not null))];
    }

    /// <summary>Scheduled meetings first (soonest first), then the held ones (latest first).</summary>
    public static ImmutableArray<MeetingItem> MeetingItems(CaseState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return [.. state.Meetings
            .OrderBy(m => m.Status == MeetingStatus.Scheduled ? 0 : 1)
            .ThenBy(m => m.Status == MeetingStatus.Scheduled ? m.ScheduledAt.UtcTicks : -(m.HeldAt ?? m.ScheduledAt).UtcTicks)
            .Select(m => new MeetingItem(
                m.Id, m.ScheduledAt, m.Purpose, m.Status == MeetingStatus.Held, m.HeldAt, m.Attendees, m.Decisions, m.NextFollowUpOn))];
    }

    private async Task<ActionOutcome> SendAsync(DashboardUser user, string caseId, CaseWorkCommand command, string scope, CancellationToken cancellationToken) =>
        command.Create is { } create
            ? await data.CommandAsync(user, caseId, create, scope, cancellationToken).ConfigureAwait(false)
            : new ActionOutcome(false, string.Join(" ", command.Errors.Select(e => e.Message)));

    private async Task<List<(string Staff, string Organisation, Agency Agency)>> OrganisationsOfAsync(
        IReadOnlyCollection<string> staff, CancellationToken cancellationToken)
    {
        var result = new List<(string, string, Agency)>();
        if (staff.Count == 0)
        {
            return result;
        }

        await using var command = database.CreateCommand("select staff_id, organisation, agency from coord_staff where staff_id = any ($1) order by staff_id");
        command.Parameters.Add(new NpgsqlParameter { Value = staff.Distinct(StringComparer.Ordinal).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<Agency>(reader.GetString(2), out var agency))
            {
                result.Add((reader.GetString(0), reader.GetString(1), agency));
            }
        }

        return result;
    }
}
