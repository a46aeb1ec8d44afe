using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children.Events;

/// <summary>Social services recorded whether an investigation was opened.</summary>
public sealed record ConcernOutcomeRecorded(PseudonymousKey Child, DateTimeOffset At, ConcernId Concern, InvestigationDecision Decision, DateTimeOffset DecidedAt, StaffId DecidedBy) : ChildEvent(Child, At);
