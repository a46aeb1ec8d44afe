using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>The acknowledgement deadline passed; the case was escalated.</summary>
public sealed record CaseAcknowledgementOverdue(CaseId Case, PseudonymousKey Child, DateTimeOffset At, DateTimeOffset DueAt) : CaseEvent(Case, Child, At);
