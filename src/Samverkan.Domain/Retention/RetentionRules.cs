using System.Collections.Immutable;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Concerns;

namespace Samverkan.Domain.Retention;

/// <summary>When records have been kept long enough to be culled (gallring). Pure: the cut-off comes from configuration.</summary>
public static class RetentionRules
{
    /// <summary>True when <paramref name="state"/> is a case closed before <paramref name="closedBefore"/>.</summary>
    public static bool IsCaseDue(CaseState? state, DateTimeOffset closedBefore) =>
        state is { IsClosed: true, Closure: { } closure } && closure.At < closedBefore;

    /// <summary>
    /// The concerns of <paramref name="state"/> that led to no investigation and whose watch ended before
    /// <paramref name="watchEndedBefore"/> (a concern whose watch was taken over by a later concern counts from its
    /// decision). Nothing is due while the child has an open case, which may rest on its concerns.
    /// </summary>
    public static ImmutableArray<ConcernId> ConcernsDue(ChildState state, DateTimeOffset watchEndedBefore)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.OpenCases.IsEmpty)
        {
            return [];
        }

        return
        [
            .. state.Concerns
                .Where(c => c.Outcome is { Decision: InvestigationDecision.NotOpened } outcome
                    && (state.Watch is { } watch && watch.Concern == c.Id ? watch.EndsAt : outcome.DecidedAt) < watchEndedBefore)
                .Select(c => c.Id),
        ];
    }

    /// <summary>
    /// Culls the due concerns (<see cref="ConcernsDue"/>): they, their reporters and a watch they started are deleted
    /// from the state. Unchanged state (the same instance) when nothing is due.
    /// </summary>
    public static ChildDecision CullConcerns(ChildState state, DateTimeOffset watchEndedBefore, DateTimeOffset now)
    {
        var due = ConcernsDue(state, watchEndedBefore);
        if (due.IsEmpty)
        {
            return new ChildDecision { NewState = state };
        }

        var culled = due.ToHashSet();
        return new ChildDecision
        {
            NewState = state with
            {
                Concerns = state.Concerns.RemoveAll(c => culled.Contains(c.Id)),
                ConcernReporters = state.ConcernReporters.RemoveAll(r => culled.Contains(r.Concern)),
                Watch = state.Watch is { } watch && culled.Contains(watch.Concern) ? null : state.Watch,
            },
            Events = [new ConcernsCulled(state.Key, now, due)],
        };
    }
}
