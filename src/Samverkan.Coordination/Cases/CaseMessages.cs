using Samverkan.Actors;
using Samverkan.Domain.Cases;

namespace Samverkan.Coordination.Cases;

// The case actor's messages. Kinds are persisted contracts.

/// <summary>From a child actor: open the case, or add evidence to it.</summary>
[ActorMessage("case.apply-trigger.v1")]
public sealed record ApplyCaseTrigger(CaseTrigger Trigger);

[ActorMessage("case.acknowledge.v1")]
public sealed record AcknowledgeCase(ActingStaff By);

[ActorMessage("case.transition.v1")]
public sealed record TransitionCase(CaseStatus To, ActingStaff By, CloseReason? Reason, string? Note);

[ActorMessage("case.record-decision-not-to-act.v1")]
public sealed record RecordCaseDecisionNotToAct(ActingStaff By, string Reason);

/// <summary>Timer: the acknowledgement deadline passed.</summary>
[ActorMessage("case.acknowledgement-deadline-due.v1")]
public sealed record AcknowledgementDeadlineDue;

/// <summary>Asks for the case's current state.</summary>
[ActorMessage("case.get.v1")]
public sealed record GetCase;
