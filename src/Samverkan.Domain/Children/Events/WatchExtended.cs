using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children.Events;

/// <summary>Another concern without investigation extended the watch.</summary>
public sealed record WatchExtended(PseudonymousKey Child, DateTimeOffset At, ConcernId Concern, StaffId? Owner, DateTimeOffset EndsAt) : ChildEvent(Child, At);
