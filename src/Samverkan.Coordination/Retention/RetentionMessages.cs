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
