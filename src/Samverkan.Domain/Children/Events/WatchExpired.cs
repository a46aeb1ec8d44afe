using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>The watch period ended.</summary>
public sealed record WatchExpired(PseudonymousKey Child, DateTimeOffset At, ConcernId Concern) : ChildEvent(Child, At);
