using Samverkan.Actors;

namespace Samverkan.Coordination.Retention;

// Retention (gallring). Kinds are persisted contracts: change them only with a migration of stored messages.

/// <summary>
/// Culls the case if it was closed before <paramref name="ClosedBefore"/>: its state and timers are deleted and its
/// read-model rows (the case, its alerts) removed, in one commit. Replies true when it culled the case. Handled by the
/// actor itself, so an activation in memory cannot write the state back.
/// </summary>
[ActorMessage("case.cull.v1")]
public sealed record CullCase(DateTimeOffset ClosedBefore);

/// <summary>The read-model rows of a culled case, deleted in the commit that deletes its state.</summary>
public sealed record CaseCulledRow(string CaseId);

/// <summary>
/// Culls the child's concerns that led to no investigation and whose watch ended before <paramref name="WatchEndedBefore"/>
/// (with their reporters and watch) and deletes their read-model rows, in one commit. Replies how many it culled.
/// </summary>
[ActorMessage("child.cull-concerns.v1")]
public sealed record CullConcerns(DateTimeOffset WatchEndedBefore);

/// <summary>The read-model rows of culled concerns, deleted in the commit that drops them from the child's state.</summary>
public sealed record ConcernsCulledRow(IReadOnlyList<string> ConcernIds);
