using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>A decision not to share was recorded (<see cref="Sharing.DecisionNotToShare"/> <paramref name="Decision"/>).</summary>
public sealed record SharingDeclined(PseudonymousKey Child, DateTimeOffset At, string Decision) : ChildEvent(Child, At);
