using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>A participant joined (e.g. social services once a legal basis exists).</summary>
public sealed record CaseParticipantAdded(CaseId Case, PseudonymousKey Child, DateTimeOffset At, CaseParticipant Participant) : CaseEvent(Case, Child, At);
