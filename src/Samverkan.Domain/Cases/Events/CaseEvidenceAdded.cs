using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>A new firing for the child was added to the open case of its kind (instead of a duplicate case).</summary>
public sealed record CaseEvidenceAdded(CaseId Case, PseudonymousKey Child, DateTimeOffset At, string TriggerId, Severity Severity) : CaseEvent(Case, Child, At);
