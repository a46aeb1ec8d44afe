using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children.Events;

/// <summary>A report of concern was recorded (without the reporter's identity).</summary>
public sealed record ConcernReported(PseudonymousKey Child, DateTimeOffset At, ConcernId Concern, ConcernCategory Category, DateOnly Date, Agency ReportingAgency, bool Urgent) : ChildEvent(Child, At);
