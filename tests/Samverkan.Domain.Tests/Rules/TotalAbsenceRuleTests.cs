using Samverkan.Domain.Absence;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.Rules.RuleTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Rules;

public class TotalAbsenceRuleTests
{
    // The window of 20 school days ending Friday 10 October 2025 is 15 September to 10 October.
    private static readonly DateTimeOffset Now = At("2025-10-10 18:00");

    /// <summary>20 school days of 300 minutes with <paramref name="absentMinutes"/> spread from the first day, split excused/unexcused.</summary>
    private static ChildState WindowWithAbsence(int absentMinutes, bool excused = false)
    {
        var remaining = absentMinutes;
        return WithDays(Days("2025-09-15", "2025-10-10", _ =>
        {
            var today = Math.Min(300, remaining);
            remaining -= today;
            return excused ? (today, 0) : (0, today);
        }));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1194, false)] // 19.9 %
    [InlineData(1199, false)] // 19.98 %
    [InlineData(1200, true)] // exactly 20 %
    [InlineData(1201, true)]
    [InlineData(6000, true)]
    public void Evaluate_FiresAtTwentyPercentOfOfferedTime(int absentMinutes, bool fires)
    {
        var assessment = Assess(WindowWithAbsence(absentMinutes), Now);

        Fired(assessment, RuleIds.TotalAbsence).ShouldBe(fires);
        var evidence = Measurement(assessment, RuleIds.TotalAbsence).Evidence;
        evidence.Figure(EvidenceFigures.OfferedMinutes).ShouldBe(6000);
        evidence.Figure(EvidenceFigures.AbsentMinutes).ShouldBe(absentMinutes);
        evidence.Window.ShouldBe(new(D("2025-09-15"), D("2025-10-10")));
    }

    [Fact]
    public void Evaluate_CountsExcusedAndUnexcusedAbsenceTogether()
    {
        var state = WithDays(Days("2025-09-15", "2025-10-10", d => d.Day switch
        {
            15 or 16 => (300, 0),
            17 or 18 => (0, 300),
            _ => (0, 0),
        }));

        var assessment = Assess(state, Now);

        var firing = assessment.Firings.Single(f => f.Rule == RuleIds.TotalAbsence);
        firing.Evidence.Figure(EvidenceFigures.ExcusedMinutes).ShouldBe(600);
        firing.Evidence.Figure(EvidenceFigures.UnexcusedMinutes).ShouldBe(600);
        firing.Evidence.Figure(EvidenceFigures.AbsentPercent).ShouldBe(20m);
        firing.Evidence.ContributingDates.ShouldBe([D("2025-09-15"), D("2025-09-16"), D("2025-09-17"), D("2025-09-18")]);
        firing.Evidence.Summary.En.ShouldContain("20 %");
        firing.Evidence.Summary.Sv.ShouldContain("20 %");
    }

    [Fact]
    public void Evaluate_ExtendsTheWindowOverABreak()
    {
        // Autumn break 27-31 October: the 20 school days ending 7 November start 6 October.
        var now = At("2025-11-07 18:00");
        var days = Days("2025-09-29", "2025-11-07", d => d >= D("2025-10-06") && d <= D("2025-10-09") ? (0, 300) : (0, 0))
            .Append((D("2025-10-28"), 300, 0, 300)); // a registration on a break day is not a school day
        var assessment = Assess(WithDays(days), now);

        var firing = assessment.Firings.Single(f => f.Rule == RuleIds.TotalAbsence);
        firing.Evidence.Window.ShouldBe(new(D("2025-10-06"), D("2025-11-07")));
        firing.Evidence.Figure(EvidenceFigures.SchoolDaysInWindow).ShouldBe(20);
        firing.Evidence.Figure(EvidenceFigures.OfferedMinutes).ShouldBe(6000);
        firing.Evidence.Figure(EvidenceFigures.AbsentMinutes).ShouldBe(1200);
    }

    [Fact]
    public void Evaluate_AbsenceBeforeTheWindowDoesNotCount()
    {
        var now = At("2025-11-07 18:00");
        var days = Days("2025-09-29", "2025-11-07", d => d == D("2025-10-03") || (d >= D("2025-10-06") && d <= D("2025-10-08")) ? (0, 300) : (0, 0));

        var assessment = Assess(WithDays(days), now);

        Fired(assessment, RuleIds.TotalAbsence).ShouldBeFalse();
        Measurement(assessment, RuleIds.TotalAbsence).Evidence.Figure(EvidenceFigures.AbsentMinutes).ShouldBe(900);
    }

    [Theory]
    [InlineData(9, MeasurementLevel.NotApplicable)]
    [InlineData(10, MeasurementLevel.AtOrAbove)]
    public void Evaluate_WaitsForTenReportedSchoolDays(int reportedDays, MeasurementLevel expected)
    {
        var days = SchoolDays("2025-09-15", "2025-10-10").TakeLast(reportedDays).Select(d => (d, 300, 0, 300));

        var assessment = Assess(WithDays(days), Now);

        Measurement(assessment, RuleIds.TotalAbsence).Level.ShouldBe(expected);
        Fired(assessment, RuleIds.TotalAbsence).ShouldBe(expected == MeasurementLevel.AtOrAbove);
    }

    [Fact]
    public void Evaluate_FiresOncePerEpisodeAndReArmsBelowFifteenPercent()
    {
        var state = WindowWithAbsence(1200);
        var steps = new (int Absent, MeasurementLevel Level, bool Fires, bool Rearms)[]
        {
            (1200, MeasurementLevel.AtOrAbove, true, false), // 20 %: fires
            (1020, MeasurementLevel.Between, false, false), // 17 %: in the band, stays disarmed
            (1500, MeasurementLevel.AtOrAbove, false, false), // 25 %: same episode
            (900, MeasurementLevel.Between, false, false), // exactly 15 %: not below
            (870, MeasurementLevel.Below, false, true), // 14.5 %: re-arms
            (1200, MeasurementLevel.AtOrAbove, true, false), // a new episode fires again
        };

        foreach (var (absent, level, fires, rearms) in steps)
        {
            var current = WindowWithAbsence(absent) with { RuleTracks = state.RuleTracks };
            var assessment = Assess(current, Now);

            Measurement(assessment, RuleIds.TotalAbsence).Level.ShouldBe(level, $"{absent} min");
            Fired(assessment, RuleIds.TotalAbsence).ShouldBe(fires, $"{absent} min");
            assessment.Rearmed.Contains(RuleIds.TotalAbsence).ShouldBe(rearms, $"{absent} min");
            state = After(current, assessment);
        }

        state.RuleTracks.Single(t => t.Rule == RuleIds.TotalAbsence).Firings.ShouldBe(2);
    }

    [Fact]
    public void Evaluate_UsesTheSchoolsOverriddenThreshold()
    {
        var rules = TestRules(new RuleOverride { Rule = RuleIds.TotalAbsence, ThresholdPercent = 15m, RearmBelowPercent = 10m });

        Fired(Assess(WindowWithAbsence(900), Now, rules), RuleIds.TotalAbsence).ShouldBeTrue();
        Fired(Assess(WindowWithAbsence(899), Now, rules), RuleIds.TotalAbsence).ShouldBeFalse();
        Fired(Assess(WindowWithAbsence(900), Now), RuleIds.TotalAbsence).ShouldBeFalse();
    }

    [Fact]
    public void RegisterAbsence_ACorrectionThatPullsTheChildBackUnderReArmsWithoutFiring()
    {
        var child = Child();
        var registrations = SchoolDays("2025-09-15", "2025-10-10")
            .Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), unexcused: i < 4 ? 300 : 0, reportedAt: "2025-10-10 16:00"))
            .ToList();

        var first = ChildDecisions.RegisterAbsence(child, registrations, Context(Now));
        first.Events.OfType<RuleFired>().Select(e => e.Firing.Rule).ShouldBe([RuleIds.TotalAbsence]);
        first.CaseTriggers.Count().ShouldBe(1);

        var corrections = registrations.Take(2).Select(r => r with { UnexcusedMinutes = 0, AttendedMinutes = 300, ReportedAt = Now.AddMinutes(-5) }).ToList();
        var corrected = ChildDecisions.RegisterAbsence(first.NewState, corrections, Context(Now.AddMinutes(1)));

        corrected.Registrations.Select(r => r.Kind).ShouldAllBe(k => k == RegistrationOutcomeKind.Replaced);
        corrected.Events.OfType<RuleFired>().ShouldBeEmpty();
        corrected.Events.OfType<RuleRearmed>().Select(e => e.Rule).ShouldBe([RuleIds.TotalAbsence]);
        corrected.CaseTriggers.ShouldBeEmpty();
        corrected.NewState.RuleTracks.Single(t => t.Rule == RuleIds.TotalAbsence).Armed.ShouldBeTrue();
    }

    [Fact]
    public void RegisterAbsence_ACorrectionInTheSameBatchMeansNoFiring()
    {
        var child = Child();
        var registrations = SchoolDays("2025-09-15", "2025-10-10")
            .Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), unexcused: i < 4 ? 300 : 0, reportedAt: "2025-10-10 16:00"))
            .ToList();
        var corrections = registrations.Take(1).Select(r => r with { UnexcusedMinutes = 0, AttendedMinutes = 300, ReportedAt = Now.AddMinutes(-1) });

        var decision = ChildDecisions.RegisterAbsence(child, [.. corrections, .. registrations], Context(Now));

        decision.Events.OfType<RuleFired>().ShouldBeEmpty();
        decision.CaseTriggers.ShouldBeEmpty();
    }
}
