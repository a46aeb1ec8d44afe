using System.Globalization;
using Samverkan.Domain.Children;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Tests.Concerns;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Children;

public class ChildOverviewTests
{
    private static ChildState State()
    {
        var child = Child();
        var registrations = SchoolDays("2025-09-29", "2025-10-10")
            .Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), excused: i == 0 ? 300 : 0, unexcused: i == 6 ? 150 : 0, reportedAt: "2025-10-10 16:00"))
            .ToList();
        var state = ChildDecisions.RegisterAbsence(child, registrations, Context(At("2025-10-10 18:00"))).NewState;
        state = ChildDecisions.ReportConcern(state, ConcernTestKit.Report("c1", "2025-10-06"), Context(At("2025-10-10 18:00"))).NewState;
        return ChildDecisions.RecordConcernOutcome(state, new ConcernId("c1"), ConcernTestKit.NotOpened("2025-10-10 18:00"), Context(At("2025-10-10 18:00"))).NewState;
    }

    [Fact]
    public void Project_GivesAbsenceFiguresPerIsoWeek()
    {
        var overview = ChildOverviewProjection.Project(State(), At("2025-10-11 12:00"));

        overview.Weeks.Select(w => (w.IsoWeek, w.DaysWithRegistrations, w.OfferedMinutes, w.ExcusedMinutes, w.UnexcusedMinutes, w.AbsentPercent, w.UnexcusedPercent)).ShouldBe(
        [
            (40, 5, 1500, 300, 0, 20m, 0m),
            (41, 5, 1500, 0, 150, 10m, 10m),
        ]);
        overview.Weeks[0].WeekStart.ShouldBe(D("2025-09-29"));
    }

    [Fact]
    public void Project_ShowsConcernsWatchAndCasesButNotSummariesOrReportersByDefault()
    {
        var overview = ChildOverviewProjection.Project(State(), At("2025-10-11 12:00"));

        var concern = overview.Concerns.Single();
        concern.Decision.ShouldBe(InvestigationDecision.NotOpened);
        concern.Summary.ShouldBeNull();
        concern.Reporter.ShouldBeNull();
        overview.Watch!.Active.ShouldBeTrue();
        overview.Watch.Owner.ShouldBe(ContactAnna);
        overview.CurrentSchool.ShouldBe(SchoolA);
    }

    [Fact]
    public void Project_ShowsReportersOnlyWhenAsked()
    {
        var overview = ChildOverviewProjection.Project(State(), At("2025-10-11 12:00"), new OverviewOptions { IncludeConcernSummaries = true, IncludeReporters = true });

        overview.Concerns.Single().Summary.ShouldNotBeNull();
        overview.Concerns.Single().Reporter!.Staff.ShouldBe(Counsellor);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "school-a")]
    public void Project_HidesTheSchoolOfAChildWithProtectedIdentity(bool reveal, string? school)
    {
        var state = State() with { Profile = Profile(Key()) with { ProtectedIdentity = true, PlacedInCare = new CarePlacement(new Organisation.MunicipalityCode("1880"), D("2025-01-01")) } };

        var overview = ChildOverviewProjection.Project(state, At("2025-10-11 12:00"), new OverviewOptions { RevealProtectedDetails = reveal });

        overview.ProtectedIdentity.ShouldBeTrue();
        overview.CurrentSchool?.Value.ShouldBe(school);
        (overview.PlacingMunicipality is not null).ShouldBe(reveal);
        overview.PlacedInCare.ShouldBeTrue();
    }

    [Fact]
    public void Project_ShowsWhereEachRuleStandsWhenGivenRulesAndCalendar()
    {
        var overview = ChildOverviewProjection.Project(State(), At("2025-10-10 18:00"), calendar: DefaultCalendar, rules: TestRules());

        overview.Rules.Select(r => r.Rule).ShouldBe([RuleIds.TotalAbsence, RuleIds.ConsecutiveAbsence, RuleIds.UnexcusedAbsence, RuleIds.RepeatedConcern]);
        overview.Rules[0].Level.ShouldBe(MeasurementLevel.Between); // 450 of 3000 minutes: 15 %
        overview.Rules[0].Armed.ShouldBeTrue();
        overview.Rules[2].Evidence.Figure(EvidenceFigures.UnexcusedCount).ShouldBe(1);
    }
}
