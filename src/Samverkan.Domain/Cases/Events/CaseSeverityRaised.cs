using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>New evidence raised the case's severity (and possibly brought its deadline forward).</summary>
public sealed record CaseSeverityRaised(CaseId Case, PseudonymousKey Child, DateTimeOffset At, Severity From, Severity To, DateTimeOffset AcknowledgementDueAt) : CaseEvent(Case, Child, At);
