using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Retention;
using static Samverkan.Domain.Tests.Concerns.ConcernTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Retention;

public class RetentionRulesTests
{
    /// <summary>Concern c1 (2025-08-25) led to no investigation on 2025-09-01: a watch of six months, to 2026-03-01.</summary>
    private static ChildState UnderWatch()
    {
        var reported = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-08-25"), Context(At("2025-08-25 10:00")));
        return ChildDecisions.RecordConcernOutcome(reported.NewState, new ConcernId("c1"), NotOpened("2025-09-01 10:00"), Context(At("2025-09-01 10:05"))).NewState;
    }

    [Fact]
    public void ConcernsDue_CountFromTheEndOfTheirWatch()
    {
        var state = UnderWatch();
        var watchEnds = state.Watch!.EndsAt;

        RetentionRules.ConcernsDue(state, watchEnds).ShouldBeEmpty("the watch has just ended");
        RetentionRules.ConcernsDue(state, watchEnds.AddTicks(1)).ShouldBe([new ConcernId("c1")]);
    }

    [Fact]
    public void ConcernsDue_NeverAnInvestigatedConcern_NorOneAwaitingItsOutcome_NorWhileACaseIsOpen()
    {
        var reported = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-08-25"), Context(At("2025-08-25 10:00"))).NewState;
        var investigated = ChildDecisions.RecordConcernOutcome(reported, new ConcernId("c1"), Opened("2025-09-01 10:00"), Context(At("2025-09-01 10:05"))).NewState;
        var farFuture = At("2035-01-01 00:00");

        RetentionRules.ConcernsDue(reported, farFuture).ShouldBeEmpty();
        RetentionRules.ConcernsDue(investigated, farFuture).ShouldBeEmpty();
        RetentionRules.ConcernsDue(UnderWatch() with { OpenCases = [new CaseRef(new CaseId("case-1"), CaseKind.AbsenceFollowUp, CaseStatus.Open, At("2025-10-01 10:00"))] }, farFuture)
            .ShouldBeEmpty();
    }

    [Fact]
    public void CullConcerns_DeletesTheConcernItsReporterAndItsWatch()
    {
        var state = UnderWatch();
        state.ConcernReporters.ShouldNotBeEmpty();

        var decision = RetentionRules.CullConcerns(state, At("2026-06-01 00:00"), At("2026-06-01 02:00"));

        decision.NewState.Concerns.ShouldBeEmpty();
        decision.NewState.ConcernReporters.ShouldBeEmpty();
        decision.NewState.Watch.ShouldBeNull();
        decision.Events.OfType<ConcernsCulled>().ShouldHaveSingleItem().Concerns.ShouldBe([new ConcernId("c1")]);
        RetentionRules.CullConcerns(state, At("2026-01-01 00:00"), At("2026-01-01 00:00")).NewState.ShouldBeSameAs(state);
    }

    [Fact]
    public void IsCaseDue_NotForACaseThatDoesNotExist()
    {
        RetentionRules.IsCaseDue(null, At("2030-01-01 00:00")).ShouldBeFalse();
    }
}
