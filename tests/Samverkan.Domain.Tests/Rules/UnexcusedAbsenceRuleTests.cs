using Samverkan.Domain.Absence;
using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.Rules.RuleTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Rules;

public class UnexcusedAbsenceRuleTests
{
    private static readonly DateTimeOffset Now = At("2025-11-20 18:00");

    private static IEnumerable<(DateOnly, int, int, int)> UnexcusedOn(int count, string from = "2025-09-01", int minutes = 10) =>
        SchoolDays(from, "2025-11-20").Select((d, i) => (d, 300, 0, i % 7 == 0 && i / 7 < count ? minutes : 0));

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(6, true)]
    public void Evaluate_FiresOnFiveSchoolDaysWithUnexcusedAbsenceInTheTerm(int days, bool fires)
    {
        var assessment = Assess(WithDays(UnexcusedOn(days)), Now);

        Fired(assessment, RuleIds.UnexcusedAbsence).ShouldBe(fires);
        Measurement(assessment, RuleIds.UnexcusedAbsence).Evidence.Figure(EvidenceFigures.UnexcusedCount).ShouldBe(days);
        Measurement(assessment, RuleIds.UnexcusedAbsence).EpisodeKey.ShouldBe("2025/26-autumn");
    }

    [Fact]
    public void Evaluate_AMinuteOfUnexcusedAbsenceCounts() =>
        Fired(Assess(WithDays(UnexcusedOn(5, minutes: 1)), Now), RuleIds.UnexcusedAbsence).ShouldBeTrue();

    [Fact]
    public void Evaluate_ExcusedAbsenceDoesNotCount()
    {
        var days = SchoolDays("2025-09-01", "2025-11-20").Select((d, i) => (d, 300, i < 10 ? 300 : 0, 0));

        var assessment = Assess(WithDays(days), Now);

        Fired(assessment, RuleIds.UnexcusedAbsence).ShouldBeFalse();
        Measurement(assessment, RuleIds.UnexcusedAbsence).Evidence.Figure(EvidenceFigures.UnexcusedCount).ShouldBe(0);
    }

    [Theory]
    [InlineData(UnexcusedCountingUnit.SchoolDay, false)]
    [InlineData(UnexcusedCountingUnit.Lesson, true)]
    public void Evaluate_CountsLessonsOrDaysAsConfigured(UnexcusedCountingUnit unit, bool fires)
    {
        var state = Child() with
        {
            Absence = new AbsenceRecord
            {
                Days = [new AbsenceDay { Date = D("2025-11-03"), Totals = new AbsenceTotals(300, 50, 0, 250, 0, 5) }],
            },
        };
        var rules = TestRules(new RuleOverride { Rule = RuleIds.UnexcusedAbsence, CountingUnit = unit });

        Fired(Assess(state, Now, rules), RuleIds.UnexcusedAbsence).ShouldBe(fires);
    }

    [Fact]
    public void Evaluate_TheLastTermDoesNotCount()
    {
        var days = new[] { "2025-04-01", "2025-04-02", "2025-05-05" }.Select(d => (D(d), 300, 0, 30))
            .Concat(UnexcusedOn(2));

        var assessment = Assess(WithDays(days), Now);

        Fired(assessment, RuleIds.UnexcusedAbsence).ShouldBeFalse();
        Measurement(assessment, RuleIds.UnexcusedAbsence).Evidence.Figure(EvidenceFigures.UnexcusedCount).ShouldBe(2);
    }

    [Fact]
    public void Evaluate_BetweenTermsTheLastTermIsJudged()
    {
        var assessment = Assess(WithDays(UnexcusedOn(5)), At("2025-12-28 12:00"));

        Measurement(assessment, RuleIds.UnexcusedAbsence).EpisodeKey.ShouldBe("2025/26-autumn");
        Fired(assessment, RuleIds.UnexcusedAbsence).ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_ANewTermIsANewEpisode()
    {
        var autumn = WithDays(UnexcusedOn(5));
        var fired = Assess(autumn, Now);
        Fired(fired, RuleIds.UnexcusedAbsence).ShouldBeTrue();

        var sameTerm = Assess(After(autumn, fired), At("2025-12-01 18:00"));
        Fired(sameTerm, RuleIds.UnexcusedAbsence).ShouldBeFalse();

        var spring = After(autumn, fired) with
        {
            Absence = Record(SchoolDays("2026-01-12", "2026-02-13").Select((d, i) => (d, 300, 0, i % 3 == 0 ? 20 : 0))),
        };
        var springAssessment = Assess(spring, At("2026-02-13 18:00"));

        var firing = springAssessment.Firings.Single(f => f.Rule == RuleIds.UnexcusedAbsence);
        firing.EpisodeKey.ShouldBe("2025/26-spring");
    }

    [Fact]
    public void Evaluate_ACorrectionBelowTheCountReArmsWithinTheTerm()
    {
        var state = WithDays(UnexcusedOn(5));
        var fired = Assess(state, Now);

        var corrected = After(state, fired) with { Absence = Record(UnexcusedOn(4)) };
        var assessment = Assess(corrected, Now);

        assessment.Rearmed.ShouldContain(RuleIds.UnexcusedAbsence);
        Fired(assessment, RuleIds.UnexcusedAbsence).ShouldBeFalse();
    }
}
