using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases.Events;

/// <summary>A participant acknowledged the case.</summary>
public sealed record CaseAcknowledged(CaseId Case, PseudonymousKey Child, DateTimeOffset At, StaffId By, bool Late) : CaseEvent(Case, Child, At);
