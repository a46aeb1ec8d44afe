using Samverkan.Actors.Projections;
using Samverkan.Domain.Cases;

namespace Samverkan.Coordination.Projections;

// The SQL behind the case-work read models (schema: Migrations/0002_casework.sql).

public sealed class CaseWorkProjector : Projector<CaseWorkRow>
{
    protected override void Write(IReadOnlyList<CaseWorkRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var state = row.Case;
            var open = state.Plan.Actions.Where(a => a.IsOpen).ToList();
            var nextMeeting = state.Meetings.Where(m => m.Status == MeetingStatus.Scheduled).Select(m => (DateTimeOffset?)m.ScheduledAt).Min();
            var nextFollowUp = state.Meetings.Where(m => m.NextFollowUpOn is not null && m.FollowUpDueNotifiedAt is null).Select(m => m.NextFollowUpOn).Max();
            var placementOpen = state.Placement?.Items.Where(i => i.Status is FollowUpStatus.Due or FollowUpStatus.Overdue).ToList() ?? [];
            var missed = state.Placement?.Items.Count(i => i.Status == FollowUpStatus.Missed) ?? 0;
            writer.Add(
                """
                insert into coord_case_work (case_id, child_key, municipality, school_id, kind, status, lead_staff, open_actions,
                    overdue_actions, escalated_actions, next_action_due, next_meeting_at, next_follow_up_on, plan_agreed_at, vacancies,
                    vacant_staff, sip_first_meeting_due, sip_overdue, placement_next_due, placement_overdue, placement_missed, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, now())
                on conflict (case_id) do update set municipality = excluded.municipality, school_id = excluded.school_id,
                    status = excluded.status, lead_staff = excluded.lead_staff, open_actions = excluded.open_actions,
                    overdue_actions = excluded.overdue_actions, escalated_actions = excluded.escalated_actions,
                    next_action_due = excluded.next_action_due, next_meeting_at = excluded.next_meeting_at,
                    next_follow_up_on = excluded.next_follow_up_on, plan_agreed_at = excluded.plan_agreed_at,
                    vacancies = excluded.vacancies, vacant_staff = excluded.vacant_staff,
                    sip_first_meeting_due = excluded.sip_first_meeting_due, sip_overdue = excluded.sip_overdue,
                    placement_next_due = excluded.placement_next_due, placement_overdue = excluded.placement_overdue,
                    placement_missed = excluded.placement_missed, updated_at = now()
                """,
                state.Id.Value, state.Child.Value, state.Municipality?.Value, state.School?.Value, state.Kind.ToString(), state.Status.ToString(),
                state.Lead?.Staff.Value ?? state.ProposedLead?.Staff?.Value,
                open.Count, open.Count(a => a.OverdueSince is not null), open.Count(a => a.EscalatedAt is not null),
                open.Select(a => (DateOnly?)a.DueOn).Min(), nextMeeting, nextFollowUp, state.Plan.AgreedAt,
                state.Vacancies.Length, state.Vacancies.Select(v => v.Staff.Value).Distinct().ToArray(),
                state.Sip?.FirstMeetingDueAt, state.Sip is { FirstMeetingHeldAt: null, EscalatedAt: not null },
                placementOpen.Select(i => (DateOnly?)i.DueOn).Min(), placementOpen.Count(i => i.Status == FollowUpStatus.Overdue), missed);
        }
    }
}

public sealed class ReporterFeedbackProjector : Projector<ReporterFeedbackRow>
{
    protected override void Write(IReadOnlyList<ReporterFeedbackRow> rows, ProjectionWriter writer)
    {
        foreach (var row in rows)
        {
            var feedback = row.Feedback;
            writer.Add(
                """
                insert into coord_concern_feedback (concern_id, child_key, municipality, reporting_org, due_at, reminder_at, reminded_at,
                    overdue_at, given_at, given_by, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
                on conflict (concern_id) do update set municipality = excluded.municipality, due_at = excluded.due_at,
                    reminder_at = excluded.reminder_at, reminded_at = excluded.reminded_at, overdue_at = excluded.overdue_at,
                    given_at = excluded.given_at, given_by = excluded.given_by, updated_at = now()
                """,
                feedback.Concern.Value, row.ChildKey, row.Municipality, feedback.ReportingOrganisation.Value, feedback.DueAt, feedback.ReminderAt,
                feedback.RemindedAt, feedback.OverdueAt, feedback.GivenAt, feedback.GivenBy?.Value);
        }
    }
}
