using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases.Events;

/// <summary>The case moved in its lifecycle.</summary>
public sealed record CaseStatusChanged(CaseId Case, PseudonymousKey Child, DateTimeOffset At, CaseStatus From, CaseStatus To, StaffId By) : CaseEvent(Case, Child, At);
