using Samverkan.Domain.Cases;
using static Samverkan.Domain.Tests.Cases.CaseTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Cases;

public class CaseStateMachineTests
{
    private static readonly HashSet<(CaseStatus, CaseStatus)> Allowed =
    [
        (CaseStatus.Open, CaseStatus.Acknowledged),
        (CaseStatus.Open, CaseStatus.Closed),
        (CaseStatus.Acknowledged, CaseStatus.Planning),
        (CaseStatus.Acknowledged, CaseStatus.Closed),
        (CaseStatus.Planning, CaseStatus.Active),
        (CaseStatus.Planning, CaseStatus.Closed),
        (CaseStatus.Active, CaseStatus.FollowUp),
        (CaseStatus.Active, CaseStatus.Planning),
        (CaseStatus.Active, CaseStatus.Closed),
        (CaseStatus.FollowUp, CaseStatus.Active),
        (CaseStatus.FollowUp, CaseStatus.Planning),
        (CaseStatus.FollowUp, CaseStatus.Closed),
    ];

    public static TheoryData<CaseStatus, CaseStatus> EveryPair()
    {
        var data = new TheoryData<CaseStatus, CaseStatus>();
        foreach (var from in Enum.GetValues<CaseStatus>())
        {
            foreach (var to in Enum.GetValues<CaseStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void CanTransition_AllowsExactlyTheDocumentedTransitions(CaseStatus from, CaseStatus to) =>
        CaseStateMachine.CanTransition(from, to).ShouldBe(Allowed.Contains((from, to)));

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Transition_MovesOnlyAlongAllowedTransitions(CaseStatus from, CaseStatus to)
    {
        var state = InStatus(from);

        var decision = CaseDecisions.Transition(state, to, Member, CaseContextAt(At("2025-10-14 09:00")), CloseReason.Resolved);

        if (Allowed.Contains((from, to)))
        {
            decision.IsRefused.ShouldBeFalse();
            decision.NewState!.Status.ShouldBe(to);
        }
        else
        {
            decision.Error!.Code.ShouldBe(CaseErrors.TransitionNotAllowed);
            decision.NewState.ShouldBeSameAs(state);
        }
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(CloseReason.Resolved, null, true)]
    [InlineData(CloseReason.Other, null, false)]
    [InlineData(CloseReason.Other, "Flyttat utomlands", true)]
    public void Transition_ClosingNeedsAReason(CloseReason? reason, string? note, bool closes)
    {
        var state = InStatus(CaseStatus.Active);

        var decision = CaseDecisions.Transition(state, CaseStatus.Closed, Member, CaseContextAt(At("2025-10-14 09:00")), reason, note);

        decision.IsRefused.ShouldBe(!closes);
        if (closes)
        {
            decision.NewState!.Closure!.Reason.ShouldBe(reason!.Value);
            decision.Events.OfType<Domain.Cases.Events.CaseClosed>().ShouldHaveSingleItem();
        }
        else
        {
            decision.Error!.Code.ShouldBe(CaseErrors.ReasonRequired);
        }
    }

    [Fact]
    public void Transition_OnlyParticipantsMoveTheCase()
    {
        var state = InStatus(CaseStatus.Acknowledged);

        var decision = CaseDecisions.Transition(state, CaseStatus.Planning, Stranger, CaseContextAt(At("2025-10-14 09:00")));

        decision.Error!.Code.ShouldBe(CaseErrors.NotParticipant);
    }
}
