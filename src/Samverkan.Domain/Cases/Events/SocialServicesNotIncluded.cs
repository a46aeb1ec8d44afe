using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>A decision not to share: social services were not included for lack of a legal basis or consent.</summary>
public sealed record SocialServicesNotIncluded(CaseId Case, PseudonymousKey Child, DateTimeOffset At, string Reason) : CaseEvent(Case, Child, At);
