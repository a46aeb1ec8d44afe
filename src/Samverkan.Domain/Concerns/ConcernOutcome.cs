using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Concerns;

/// <summary>The outcome of a report of concern, recorded by social services.</summary>
public sealed record ConcernOutcome(InvestigationDecision Decision, DateTimeOffset DecidedAt, StaffId DecidedBy, string? Note = null);
