using System.Collections.Immutable;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Coordination.Children;

// The child actor's messages. Kinds are persisted contracts: change them only with a migration of stored messages.

/// <summary>Absence registrations of one child (validated at the edge), from a feed.</summary>
[ActorMessage("child.register-absences.v1")]
public sealed record RegisterAbsences(ImmutableArray<AbsenceRegistration> Registrations);

/// <summary>
/// The roster's view of the child: home municipality, enrolments, named person, flags. Written by a municipality's roster
/// (<paramref name="WrittenBy"/>), it changes what that municipality may (<see cref="Child.WrittenBy"/>); without one (the demo
/// loader), all of it.
/// </summary>
[ActorMessage("child.upsert.v1")]
public sealed record UpsertChild(Child Profile, MunicipalityCode? WrittenBy = null);

/// <summary>A report of concern about the child. Replies a <see cref="CommandResult"/> with the concern id.</summary>
[ActorMessage("child.report-concern.v1")]
public sealed record ReportConcern(ConcernReport Report, MunicipalityCode Municipality);

/// <summary>Social services' decision on a concern (investigation opened or not).</summary>
[ActorMessage("child.record-concern-outcome.v1")]
public sealed record RecordConcernOutcome(ConcernId Concern, ConcernOutcome Outcome);

[ActorMessage("child.record-consent.v1")]
public sealed record RecordConsent(Consent Consent);

[ActorMessage("child.withdraw-consent.v1")]
public sealed record WithdrawConsent(ConsentId Consent);

/// <summary>From a case actor: the case opened or changed status.</summary>
[ActorMessage("child.case-status-changed.v1")]
public sealed record CaseStatusChanged(CaseId Case, CaseKind Kind, CaseStatus Status);

/// <summary>From a case actor: the case was closed, so the trigger must open a new case.</summary>
[ActorMessage("child.case-trigger-refused.v1")]
public sealed record CaseTriggerRefused(CaseTrigger Trigger);

/// <summary>Timer: the watch period ends.</summary>
[ActorMessage("child.watch-expiry-due.v1")]
public sealed record WatchExpiryDue;

/// <summary>Asks for the child's overview (absence over time, concerns, watch, open cases).</summary>
[ActorMessage("child.get-overview.v1")]
public sealed record GetChildOverview(OverviewOptions Options);

/// <summary>From a staff actor: the child's named person was deactivated.</summary>
[ActorMessage("child.named-person-deactivated.v1")]
public sealed record NamedPersonDeactivated(StaffId Staff, StaffId? Manager);

/// <summary>Social services gave the reporting organisation feedback on a concern.</summary>
[ActorMessage("child.record-reporter-feedback.v1")]
public sealed record RecordReporterFeedback(ConcernId Concern, StaffId By, Agency Agency);

/// <summary>Timer: a case-work deadline of the child (the feedback owed on a concern).</summary>
[ActorMessage("child.work-timer-due.v1")]
public sealed record ChildWorkTimerDue(string Name);

/// <summary>Starts a SIP on a recorded consent, with its participants from the municipality and the region (resolved by the actor).</summary>
[ActorMessage("child.start-sip.v1")]
public sealed record StartSip(Consent Consent, ImmutableArray<StaffId> Participants, StaffId By);
