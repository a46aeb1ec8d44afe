using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>The child's roster data (enrolment, named person, flags) changed.</summary>
public sealed record ChildProfileUpdated(PseudonymousKey Child, DateTimeOffset At) : ChildEvent(Child, At);
