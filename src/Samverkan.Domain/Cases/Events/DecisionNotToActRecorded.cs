using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>The participants decided not to act; recorded as the case's outcome.</summary>
public sealed record DecisionNotToActRecorded(CaseId Case, PseudonymousKey Child, DateTimeOffset At, DecisionNotToAct Decision) : CaseEvent(Case, Child, At);
