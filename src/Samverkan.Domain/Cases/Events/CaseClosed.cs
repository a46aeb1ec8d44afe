using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases.Events;

/// <summary>The case was closed; the child's open-case reference should be dropped.</summary>
public sealed record CaseClosed(CaseId Case, PseudonymousKey Child, DateTimeOffset At, CloseReason Reason, StaffId By) : CaseEvent(Case, Child, At);
