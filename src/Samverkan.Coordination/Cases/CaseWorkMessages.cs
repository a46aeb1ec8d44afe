using Samverkan.Actors;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Cases;

// The case actor's case-work messages (issue 8). Kinds are persisted contracts. Commands reply a CommandResult whose
// Id is what they created (an action or meeting id) or the case id.

/// <summary>Take (no <paramref name="To"/>: the caller), assign or hand over the lead.</summary>
[ActorMessage("case.assign-lead.v1")]
public sealed record AssignCaseLead(StaffId? To, ActingStaff By);

[ActorMessage("case.add-plan-action.v1")]
public sealed record AddCasePlanAction(NewPlanAction Action, ActingStaff By);

[ActorMessage("case.update-plan-action.v1")]
public sealed record UpdateCasePlanAction(string ActionId, PlanActionUpdate Update, ActingStaff By);

[ActorMessage("case.schedule-meeting.v1")]
public sealed record ScheduleCaseMeeting(DateTimeOffset? At, string? Purpose, ActingStaff By);

[ActorMessage("case.record-meeting-held.v1")]
public sealed record RecordCaseMeetingHeld(string MeetingId, MeetingRecord Record, ActingStaff By);

/// <summary>Hand every role of <paramref name="From"/> on the case over to <paramref name="To"/>.</summary>
[ActorMessage("case.hand-over.v1")]
public sealed record HandOverCaseRoles(StaffId From, StaffId To, ActingStaff By);

/// <summary>A placed child's joint follow-up (school and social services) was held.</summary>
[ActorMessage("case.record-placement-follow-up.v1")]
public sealed record RecordCasePlacementFollowUp(string? Notes, ActingStaff By);

/// <summary>From a staff actor: the staff member was deactivated; flag their roles and alert their manager.</summary>
[ActorMessage("case.staff-deactivated.v1")]
public sealed record CaseStaffDeactivated(StaffId Staff, StaffId? Manager);

/// <summary>Timer: a case-work deadline (see <see cref="CaseWorkTimers"/>).</summary>
[ActorMessage("case.work-timer-due.v1")]
public sealed record CaseWorkTimerDue(string Name);

/// <summary>From a child actor: the child changed school; the case follows (see <c>CaseWorkDecisions.ChildChangedSchool</c>).</summary>
[ActorMessage("case.child-changed-school.v1")]
public sealed record CaseChildChangedSchool(SchoolId School, bool ConsentAllows);
