using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.Rules.RuleTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Rules;

public class ConsecutiveAbsenceRuleTests
{
    private static readonly DateTimeOffset Now = At("2025-10-10 18:00");

    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(11, true)]
    public void Evaluate_FiresOnTenConsecutiveSchoolDaysOverWeekends(int absentDays, bool fires)
    {
        var run = SchoolDays("2025-09-15", "2025-10-10").TakeLast(absentDays).ToHashSet();
        var state = WithDays(Days("2025-09-15", "2025-10-10", d => run.Contains(d) ? (300, 0) : (0, 0)));

        var assessment = Assess(state, Now);

        Fired(assessment, RuleIds.ConsecutiveAbsence).ShouldBe(fires);
        var evidence = Measurement(assessment, RuleIds.ConsecutiveAbsence).Evidence;
        evidence.Figure(EvidenceFigures.ConsecutiveDays).ShouldBe(absentDays);
        evidence.ContributingDates.ShouldBe(run.Order());
    }

    [Fact]
    public void Evaluate_AHolidayNeitherBreaksNorCountsTowardsTheRun()
    {
        // Ascension Day, Thursday 14 May 2026: the ten school days ending 22 May start 8 May.
        var days = Days("2026-04-20", "2026-05-22", d => d >= D("2026-05-08") ? (0, 300) : (0, 0))
            .Append((D("2026-05-14"), 300, 0, 0)); // someone registered attendance on the holiday

        var assessment = Assess(WithDays(days), At("2026-05-22 18:00"));

        var firing = assessment.Firings.Single(f => f.Rule == RuleIds.ConsecutiveAbsence);
        firing.Evidence.ContributingDates.Length.ShouldBe(10);
        firing.Evidence.ContributingDates.ShouldNotContain(D("2026-05-14"));
        firing.Evidence.ContributingDates[0].ShouldBe(D("2026-05-08"));
    }

    [Fact]
    public void Evaluate_TheAutumnBreakDoesNotBreakTheRun()
    {
        var absent = SchoolDays("2025-10-20", "2025-11-07").ToHashSet();
        var state = WithDays(Days("2025-10-06", "2025-11-07", d => absent.Contains(d) ? (0, 300) : (0, 0)));

        var assessment = Assess(state, At("2025-11-07 18:00"));

        Fired(assessment, RuleIds.ConsecutiveAbsence).ShouldBeTrue();
        absent.Count.ShouldBe(10);
    }

    public static TheoryData<string, string?, int> Breakers => new()
    {
        { "a day present in the middle", "present", 5 },
        { "a school day without registrations", "missing", 5 },
        { "a day only 80 % absent", "partial", 5 },
    };

    [Theory]
    [MemberData(nameof(Breakers))]
    public void Evaluate_ADayThatIsNotAbsentBreaksTheRun(string because, string? kind, int longest)
    {
        var days = SchoolDays("2025-09-29", "2025-10-10");
        var breaker = days[5];
        var state = WithDays(days.Where(d => kind != "missing" || d != breaker).Select(d =>
            d != breaker ? (d, 300, 300, 0)
            : kind == "partial" ? (d, 300, 240, 0)
            : (d, 300, 0, 0)));

        var assessment = Assess(state, Now);

        Fired(assessment, RuleIds.ConsecutiveAbsence).ShouldBeFalse(because);
        Measurement(assessment, RuleIds.ConsecutiveAbsence).Evidence.Figure(EvidenceFigures.ConsecutiveDays).ShouldBe(longest, because);
    }

    [Fact]
    public void Evaluate_TheAbsentDayShareIsConfigurable()
    {
        var days = SchoolDays("2025-09-29", "2025-10-10").Select((d, i) => (d, 300, i == 5 ? 240 : 300, 0));
        var rules = TestRules(new RuleOverride { Rule = RuleIds.ConsecutiveAbsence, AbsentDayPercent = 80m });

        Fired(Assess(WithDays(days), Now, rules), RuleIds.ConsecutiveAbsence).ShouldBeTrue();
        Fired(Assess(WithDays(days), Now), RuleIds.ConsecutiveAbsence).ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_ReArmsOnceTheRunLeavesTheLookBack()
    {
        var run = SchoolDays("2025-09-29", "2025-10-10").ToHashSet();
        var state = WithDays(Days("2025-09-15", "2025-11-07", d => run.Contains(d) ? (300, 0) : (0, 0)));

        var fired = Assess(state, Now);
        Fired(fired, RuleIds.ConsecutiveAbsence).ShouldBeTrue();
        state = After(state, fired);

        // 24 October: the 20-day look-back (29 Sep - 24 Oct) still holds the whole run.
        var stillThere = Assess(state, At("2025-10-24 18:00"));
        Measurement(stillThere, RuleIds.ConsecutiveAbsence).Level.ShouldBe(MeasurementLevel.AtOrAbove);
        stillThere.Rearmed.ShouldBeEmpty();
        Fired(stillThere, RuleIds.ConsecutiveAbsence).ShouldBeFalse();

        // 3 November (after the autumn break): the look-back starts 30 Sep, only 9 days of the run remain.
        var gone = Assess(After(state, stillThere), At("2025-11-03 18:00"));
        gone.Rearmed.ShouldContain(RuleIds.ConsecutiveAbsence);
    }
}
