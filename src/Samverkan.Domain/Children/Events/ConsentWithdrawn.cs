using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Children.Events;

/// <summary>A consent was withdrawn (from this moment on).</summary>
public sealed record ConsentWithdrawn(PseudonymousKey Child, DateTimeOffset At, ConsentId Consent) : ChildEvent(Child, At);
