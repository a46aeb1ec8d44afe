using Samverkan.Domain.Absence;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.Concerns.ConcernTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Concerns;

public class WatchTests
{
    /// <summary>A child with concern c1 (2025-08-25) that led to no investigation on 2025-09-01 10:00.</summary>
    private static ChildDecision UnderWatch(School? school = null)
    {
        var reported = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-08-25"), Context(At("2025-08-25 10:00"), school: school));
        return ChildDecisions.RecordConcernOutcome(reported.NewState, new ConcernId("c1"), NotOpened("2025-09-01 10:00"), Context(At("2025-09-01 10:05"), school: school));
    }

    [Fact]
    public void RecordConcernOutcome_NotOpenedStartsASixMonthWatchOwnedByTheContactPerson()
    {
        var decision = UnderWatch();

        var watch = decision.NewState.Watch!;
        watch.Owner.ShouldBe(ContactAnna);
        watch.StartedAt.ShouldBe(At("2025-09-01 10:00"));
        watch.EndsAt.ShouldBe(At("2026-03-01 10:00"));
        decision.Events.OfType<WatchStarted>().Single().EndsAt.ShouldBe(watch.EndsAt);
        decision.Timers.ShouldBe([TimerInstruction.Set(TimerNames.WatchExpiry, At("2026-03-01 10:00"))]);
        decision.Alerts.Single().Recipient.Staff.ShouldBe(ContactAnna);
        decision.Alerts.Single().Kind.ShouldBe(AlertKind.WatchStarted);
    }

    [Fact]
    public void RecordConcernOutcome_TheWatchPeriodIsConfigurable()
    {
        var reported = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-08-25"), Context(At("2025-08-25 10:00")));
        var context = Context(At("2025-09-01 10:05")) with { Policies = ChildPolicies.Default with { WatchMonths = 3 } };

        var decision = ChildDecisions.RecordConcernOutcome(reported.NewState, new ConcernId("c1"), NotOpened("2025-09-01 10:00"), context);

        decision.NewState.Watch!.EndsAt.ShouldBe(At("2025-12-01 10:00"));
    }

    [Fact]
    public void RecordConcernOutcome_OpenedStartsNoWatch()
    {
        var reported = ChildDecisions.ReportConcern(Child(), Report("c1", "2025-08-25"), Context(At("2025-08-25 10:00")));

        var decision = ChildDecisions.RecordConcernOutcome(reported.NewState, new ConcernId("c1"), Opened("2025-09-01 10:00"), Context(At("2025-09-01 10:05")));

        decision.NewState.Watch.ShouldBeNull();
        decision.NewState.Concerns.Single().Outcome!.Decision.ShouldBe(InvestigationDecision.Opened);
        decision.Events.OfType<ConcernOutcomeRecorded>().ShouldHaveSingleItem();
        decision.Timers.ShouldBeEmpty();
    }

    [Fact]
    public void RecordConcernOutcome_IsIdempotentAndRefusesAConflictingOutcome()
    {
        var watched = UnderWatch();

        var again = ChildDecisions.RecordConcernOutcome(watched.NewState, new ConcernId("c1"), NotOpened("2025-09-01 10:00"), Context(At("2025-09-02 10:00")));
        var conflicting = ChildDecisions.RecordConcernOutcome(watched.NewState, new ConcernId("c1"), Opened("2025-09-02 09:00"), Context(At("2025-09-02 10:00")));
        var unknown = ChildDecisions.RecordConcernOutcome(watched.NewState, new ConcernId("nope"), Opened("2025-09-02 09:00"), Context(At("2025-09-02 10:00")));

        again.NewState.ShouldBeSameAs(watched.NewState);
        again.Events.ShouldBeEmpty();
        conflicting.Error!.Code.ShouldBe(ChildErrors.OutcomeAlreadyRecorded);
        unknown.Error!.Code.ShouldBe(ChildErrors.ConcernNotFound);
    }

    [Fact]
    public void RecordConcernOutcome_AnotherConcernWithoutInvestigationExtendsTheWatch()
    {
        var watched = UnderWatch();
        var reported = ChildDecisions.ReportConcern(watched.NewState, Report("c2", "2025-11-10"), Context(At("2025-11-10 10:00")));

        var extended = ChildDecisions.RecordConcernOutcome(reported.NewState, new ConcernId("c2"), NotOpened("2025-11-20 10:00"), Context(At("2025-11-20 10:05")));

        extended.NewState.Watch!.EndsAt.ShouldBe(At("2026-05-20 10:00"));
        extended.NewState.Watch.StartedAt.ShouldBe(At("2025-09-01 10:00"));
        extended.Events.OfType<WatchExtended>().ShouldHaveSingleItem();
    }

    [Fact]
    public void RecordConcernOutcome_WithoutAContactPersonAlertsTheSocialServicesTeam()
    {
        var decision = UnderWatch(School(contacts: false));

        decision.NewState.Watch!.Owner.ShouldBeNull();
        decision.Alerts.Select(a => (a.Kind, a.Recipient.Team)).ShouldBe([(AlertKind.WatchStarted, SocialServicesTeam), (AlertKind.WatchWithoutOwner, SocialServicesTeam)]);
    }

    [Theory]
    [InlineData("2026-03-01 09:59", true)]
    [InlineData("2026-03-01 10:00", false)]
    public void IsActiveAt_EndsExactlyAtTheEndOfThePeriod(string at, bool active) =>
        UnderWatch().NewState.Watch!.IsActiveAt(At(at)).ShouldBe(active);

    [Fact]
    public void ExpireWatch_BeforeTheEndSetsTheTimerAgainAndAtTheEndExpires()
    {
        var state = UnderWatch().NewState;

        var early = ChildDecisions.ExpireWatch(state, Context(At("2026-03-01 09:59")));
        var due = ChildDecisions.ExpireWatch(state, Context(At("2026-03-01 10:00")));

        early.Events.ShouldBeEmpty();
        early.Timers.ShouldBe([TimerInstruction.Set(TimerNames.WatchExpiry, At("2026-03-01 10:00"))]);
        due.NewState.Watch!.Status.ShouldBe(WatchStatus.Expired);
        due.Events.OfType<WatchExpired>().ShouldHaveSingleItem();
        due.Alerts.Single().Kind.ShouldBe(AlertKind.WatchExpired);
        ChildDecisions.ExpireWatch(due.NewState, Context(At("2026-03-02 10:00"))).Events.ShouldBeEmpty();
    }

    private static List<AbsenceRegistration> FourWeeksWithFourAbsentDays(ChildState child, string from, string to) =>
        [.. SchoolDays(from, to).Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), unexcused: i < 4 ? 300 : 0, reportedAt: $"{to} 16:00"))];

    [Fact]
    public void RegisterAbsence_AFiringUnderWatchRaisesAWatchSignalWithSocialServices()
    {
        var state = UnderWatch().NewState;

        var decision = ChildDecisions.RegisterAbsence(state, FourWeeksWithFourAbsentDays(state, "2025-09-15", "2025-10-10"), Context(At("2025-10-10 18:00")));

        decision.Events.OfType<RuleFired>().Select(e => e.Firing.Rule).ShouldBe([RuleIds.TotalAbsence, RuleIds.SignalUnderWatch]);
        var trigger = decision.CaseTriggers.Single();
        trigger.Kind.ShouldBe(CaseKind.WatchSignal);
        trigger.Severity.ShouldBe(Severity.High);
        trigger.WatchOwner.ShouldBe(ContactAnna);
        trigger.SocialServicesBases.Single().Kind.ShouldBe(LegalBasisKind.Watch);
        trigger.Firings.Single(f => f.Kind == RuleKind.SignalUnderWatch).Evidence.UnderlyingRules.ShouldBe([RuleIds.TotalAbsence]);
    }

    [Fact]
    public void RegisterAbsence_AfterTheWatchTheSameFiringIsAnAbsenceFollowUpWithoutSocialServices()
    {
        var state = UnderWatch().NewState;

        var decision = ChildDecisions.RegisterAbsence(state, FourWeeksWithFourAbsentDays(state, "2026-02-09", "2026-03-13"), Context(At("2026-03-13 18:00")));

        decision.Events.OfType<RuleFired>().Select(e => e.Firing.Rule).ShouldBe([RuleIds.TotalAbsence]);
        var trigger = decision.CaseTriggers.Single();
        trigger.Kind.ShouldBe(CaseKind.AbsenceFollowUp);
        trigger.SocialServicesBases.ShouldBeEmpty();
        trigger.Severity.ShouldBe(Severity.Normal);
    }

    [Theory]
    [InlineData(false, Severity.High)]
    [InlineData(true, Severity.Urgent)]
    public void ReportConcern_ANewConcernUnderWatchIsAWatchSignal(bool urgent, Severity severity)
    {
        var state = UnderWatch().NewState;
        var rules = TestRules() with { Rules = [.. TestRules().Rules.Where(r => r.Kind != RuleKind.RepeatedConcern)] };

        var decision = ChildDecisions.ReportConcern(state, Report("c2", "2025-10-01", urgent), Context(At("2025-10-01 10:00"), rules));

        var trigger = decision.CaseTriggers.Single();
        trigger.Kind.ShouldBe(CaseKind.WatchSignal);
        trigger.Severity.ShouldBe(severity);
        trigger.Concern.ShouldBe(new ConcernId("c2"));
        trigger.SocialServicesBases.Select(b => b.Kind).ShouldBe([LegalBasisKind.Watch, LegalBasisKind.ReportOfConcern]);
        trigger.Firings.Select(f => f.Rule).ShouldBe([RuleIds.SignalUnderWatch]);
    }

    [Fact]
    public void ReportConcern_UnderWatchTheRepeatedConcernRuleGoesToTheWatchSignalCase()
    {
        var state = UnderWatch().NewState;

        var decision = ChildDecisions.ReportConcern(state, Report("c2", "2025-10-01"), Context(At("2025-10-01 10:00")));

        var trigger = decision.CaseTriggers.Single();
        trigger.Kind.ShouldBe(CaseKind.WatchSignal);
        trigger.Firings.Select(f => f.Rule).ShouldBe([RuleIds.RepeatedConcern, RuleIds.SignalUnderWatch]);
        decision.NewState.OpenCases.Select(c => c.Kind).ShouldBe([CaseKind.WatchSignal]);
    }
}
