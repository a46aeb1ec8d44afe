using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.Concerns.ConcernTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Concerns;

public class RepeatedConcernRuleTests
{
    [Theory]
    [InlineData("2025-03-14", true)] // 12 months minus a day
    [InlineData("2025-03-15", true)] // exactly 12 months: "within" includes the day
    [InlineData("2025-03-16", false)] // 12 months plus a day
    public void ReportConcern_ASecondConcernWithinTwelveMonthsFires(string secondDate, bool fires)
    {
        var first = ChildDecisions.ReportConcern(Child(), Report("c1", "2024-03-15"), Context(At("2024-03-15 10:00")));
        first.Events.OfType<RuleFired>().ShouldBeEmpty();

        var second = ChildDecisions.ReportConcern(first.NewState, Report("c2", secondDate), Context(At($"{secondDate} 10:00")));

        second.Events.OfType<RuleFired>().Any(e => e.Firing.Rule == RuleIds.RepeatedConcern).ShouldBe(fires);
        second.CaseTriggers.Length.ShouldBe(fires ? 1 : 0);
        if (fires)
        {
            var trigger = second.CaseTriggers.Single();
            trigger.Kind.ShouldBe(CaseKind.ConcernFollowUp);
            trigger.Severity.ShouldBe(Common.Severity.High);
            trigger.Concern.ShouldBe(new ConcernId("c2"));
            trigger.SocialServicesBases.Where(b => b.Kind == LegalBasisKind.ReportOfConcern).Select(b => b.Reference).ShouldBe(["c2", "c1"], ignoreOrder: true);
        }
    }

    [Fact]
    public void ReportConcern_AnOlderConcernReportedLateStillCompletesThePair()
    {
        var newer = ChildDecisions.ReportConcern(Child(), Report("c-new", "2025-05-10"), Context(At("2025-05-10 10:00")));

        var older = ChildDecisions.ReportConcern(newer.NewState, Report("c-old", "2025-01-20"), Context(At("2025-05-12 10:00")));

        var firing = older.Events.OfType<RuleFired>().Single().Firing;
        firing.EpisodeKey.ShouldBe("c-new");
        firing.Evidence.ContributingConcerns.ShouldBe([new ConcernId("c-old"), new ConcernId("c-new")]);
    }

    [Fact]
    public void ReportConcern_AThirdConcernAddsEvidenceToTheOpenCase()
    {
        var state = Child();
        state = ChildDecisions.ReportConcern(state, Report("c1", "2025-01-10"), Context(At("2025-01-10 10:00"))).NewState;
        var second = ChildDecisions.ReportConcern(state, Report("c2", "2025-03-10"), Context(At("2025-03-10 10:00")));

        var third = ChildDecisions.ReportConcern(second.NewState, Report("c3", "2025-05-10"), Context(At("2025-05-10 10:00")));

        var opened = second.CaseTriggers.Single();
        var added = third.CaseTriggers.Single();
        opened.Action.ShouldBe(CaseTriggerAction.OpenCase);
        added.Action.ShouldBe(CaseTriggerAction.AddEvidence);
        added.Case.ShouldBe(opened.Case);
        third.NewState.OpenCases.Count(c => c.Kind == CaseKind.ConcernFollowUp).ShouldBe(1);
    }

    [Fact]
    public void ReportConcern_ReplayingAConcernChangesNothing()
    {
        var once = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-01-10"), Context(At("2025-01-10 10:00")));

        var twice = ChildDecisions.ReportConcern(once.NewState, Report("c1", "2025-01-10"), Context(At("2025-01-10 11:00")));

        twice.NewState.ShouldBeSameAs(once.NewState);
        twice.Events.ShouldBeEmpty();
        twice.NewState.Concerns.Length.ShouldBe(1);
    }

    [Fact]
    public void ReportConcern_KeepsTheReporterApartAndAlertsTheSocialServicesContacts()
    {
        var decision = ChildDecisions.ReportConcern(ChildState.New(Key("newchild")), Report("c1", "2025-01-10"), Context(At("2025-01-10 10:00")));

        decision.NewState.Profile.ShouldBeNull(); // the child may be new to the system
        decision.NewState.ConcernReporters.Single().Reporter.Staff.ShouldBe(Counsellor);
        Json(decision.NewState.Concerns).ShouldNotContain(Counsellor.Value);
        decision.Alerts.Select(a => a.Recipient.Staff).ShouldBe([ContactAnna, ContactBo]);
        decision.Alerts.ShouldAllBe(a => a.Kind == Common.AlertKind.ConcernRegistered);
    }

    public static TheoryData<string, Func<ConcernReport, ConcernReport>, string> InvalidReports => new()
    {
        { "future date", r => r with { Date = D("2025-01-11") }, "date" },
        { "empty summary", r => r with { Summary = " " }, "summary" },
        { "summary too long", r => r with { Summary = new string('x', 501) }, "summary" },
        { "no reporter", r => r with { Reporter = new ReporterIdentity(null) }, "reporter" },
    };

    [Theory]
    [MemberData(nameof(InvalidReports))]
    public void ReportConcern_RefusesAnInvalidReport(string because, Func<ConcernReport, ConcernReport> change, string field)
    {
        var decision = ChildDecisions.ReportConcern(Child(), change(Report("c1", "2025-01-10")), Context(At("2025-01-10 10:00")));

        decision.IsRefused.ShouldBeTrue(because);
        decision.Error!.Fields.ShouldContain(f => f.Field == field, because);
        decision.NewState.Concerns.ShouldBeEmpty();
    }
}
