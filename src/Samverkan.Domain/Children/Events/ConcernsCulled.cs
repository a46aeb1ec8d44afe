using System.Collections.Immutable;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>Concerns without investigation were culled (retention): they, their reporters and their watch are gone.</summary>
public sealed record ConcernsCulled(PseudonymousKey Child, DateTimeOffset At, ImmutableArray<ConcernId> Concerns) : ChildEvent(Child, At);
