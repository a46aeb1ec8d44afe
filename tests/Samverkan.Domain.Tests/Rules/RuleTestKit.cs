using Samverkan.Domain.Children;
using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Rules;

internal static class RuleTestKit
{
    /// <summary>A child on the roster with the given per-day totals.</summary>
    public static ChildState WithDays(IEnumerable<(DateOnly Date, int Offered, int Excused, int Unexcused)> days) =>
        Child() with { Absence = Record(days) };

    /// <summary>Every school day from <paramref name="from"/> to <paramref name="to"/> offered 300 minutes; <paramref name="absence"/> gives (excused, unexcused) per day.</summary>
    public static IEnumerable<(DateOnly Date, int Offered, int Excused, int Unexcused)> Days(string from, string to, Func<DateOnly, (int Excused, int Unexcused)> absence) =>
        SchoolDays(from, to).Select(d =>
        {
            var (e, u) = absence(d);
            return (d, 300, e, u);
        });

    public static RuleAssessment Assess(ChildState state, DateTimeOffset now, EffectiveRules? rules = null) =>
        RuleEvaluator.Assess(state, rules ?? TestRules(), DefaultCalendar, now);

    public static RuleMeasurement Measurement(RuleAssessment assessment, RuleId rule) => assessment.Measurements.Single(m => m.Rule == rule);

    public static bool Fired(RuleAssessment assessment, RuleId rule) => assessment.Firings.Any(f => f.Rule == rule);

    /// <summary>The same state with the tracks an assessment left.</summary>
    public static ChildState After(ChildState state, RuleAssessment assessment) => state with { RuleTracks = assessment.Tracks };
}
