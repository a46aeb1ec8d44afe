using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Children.Events;

/// <summary>A consent was recorded.</summary>
public sealed record ConsentRecorded(PseudonymousKey Child, DateTimeOffset At, ConsentId Consent) : ChildEvent(Child, At);
