using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Samverkan.Domain.Cases;

/// <summary>
/// The allowed status transitions. Forward: open → acknowledged → planning → active → follow-up; back
/// from active or follow-up to planning (a new plan) and from follow-up to active; any status but closed
/// may close (with a reason). Closed is final: a new signal opens a new case.
/// </summary>
public static class CaseStateMachine
{
    private static readonly FrozenDictionary<CaseStatus, ImmutableArray<CaseStatus>> Allowed = new Dictionary<CaseStatus, ImmutableArray<CaseStatus>>
    {
        [CaseStatus.Open] = [CaseStatus.Acknowledged, CaseStatus.Closed],
        [CaseStatus.Acknowledged] = [CaseStatus.Planning, CaseStatus.Closed],
        [CaseStatus.Planning] = [CaseStatus.Active, CaseStatus.Closed],
        [CaseStatus.Active] = [CaseStatus.FollowUp, CaseStatus.Planning, CaseStatus.Closed],
        [CaseStatus.FollowUp] = [CaseStatus.Active, CaseStatus.Planning, CaseStatus.Closed],
        [CaseStatus.Closed] = [],
    }.ToFrozenDictionary();

    /// <summary>The statuses reachable from <paramref name="from"/> in one step.</summary>
    public static ImmutableArray<CaseStatus> AllowedFrom(CaseStatus from) => Allowed.GetValueOrDefault(from, []);

    public static bool CanTransition(CaseStatus from, CaseStatus to) => AllowedFrom(from).Contains(to);
}
