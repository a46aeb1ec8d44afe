using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children.Events;

/// <summary>The child went under watch after a concern that led to no investigation.</summary>
public sealed record WatchStarted(PseudonymousKey Child, DateTimeOffset At, ConcernId Concern, StaffId? Owner, DateTimeOffset EndsAt) : ChildEvent(Child, At);
