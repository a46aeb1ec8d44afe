using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Rules;

public class RuleSetTests
{
    private static readonly DateTimeOffset Now = At("2025-09-01 10:00");

    [Fact]
    public void Defaults_ShipTheFiveRulesWithDescriptions()
    {
        var rules = RuleSets.Defaults(Borlange, Now);

        rules.Version.Number.ShouldBe(1);
        rules.Rules.Select(r => r.Id).ShouldBe([RuleIds.TotalAbsence, RuleIds.ConsecutiveAbsence, RuleIds.UnexcusedAbsence, RuleIds.RepeatedConcern, RuleIds.SignalUnderWatch]);
        RuleSets.Validate(rules.Rules).ShouldBeEmpty();
        rules.Rules[0].Description.Sv.ShouldContain("minst 20 %");
        rules.Rules[0].Description.En.ShouldContain("at least 20 %");
        rules.Rules[1].Description.En.ShouldStartWith("10 consecutive school days");
        rules.Rules[2].Description.Sv.ShouldStartWith("5 skoldagar med ogiltig frånvaro");
        rules.Rules[3].Description.En.ShouldBe("A second report of concern within 12 months.");
        rules.Rules[4].Description.Sv.ShouldContain("bevakning");
    }

    [Fact]
    public void Merge_AppliesASchoolsOverridesToAbsenceRulesOnly()
    {
        var overrides = new SchoolRuleOverrides
        {
            School = SchoolA,
            Version = new RuleSetVersion(3, Principal, Now, "Lägre tröskel"),
            Overrides =
            [
                new RuleOverride { Rule = RuleIds.TotalAbsence, ThresholdPercent = 15m, RearmBelowPercent = 10m },
                new RuleOverride { Rule = RuleIds.RepeatedConcern, Enabled = false },
            ],
        };

        var effective = RuleSets.Merge(RuleSets.Defaults(Borlange, Now), overrides);

        effective.SchoolVersion.ShouldBe(3);
        effective.MunicipalityVersion.ShouldBe(1);
        var total = effective.Find(RuleIds.TotalAbsence)!;
        total.ThresholdPercent.ShouldBe(15m);
        total.RearmBelowPercent.ShouldBe(10m);
        total.WindowSchoolDays.ShouldBe(20);
        total.Description.En.ShouldContain("at least 15 %");
        effective.Find(RuleIds.RepeatedConcern)!.Enabled.ShouldBeTrue();
    }

    public static TheoryData<string, Func<RuleDefinition, RuleDefinition>, int, string> InvalidRules => new()
    {
        { "threshold zero", r => r with { ThresholdPercent = 0m }, 0, "rules[0].thresholdPercent" },
        { "threshold above 100", r => r with { ThresholdPercent = 101m }, 0, "rules[0].thresholdPercent" },
        { "re-arm above threshold", r => r with { RearmBelowPercent = 25m }, 0, "rules[0].rearmBelowPercent" },
        { "minimum above window", r => r with { MinimumReportedSchoolDays = 21 }, 0, "rules[0].minimumReportedSchoolDays" },
        { "look-back shorter than run", r => r with { WindowSchoolDays = 9 }, 1, "rules[1].windowSchoolDays" },
        { "absent share zero", r => r with { AbsentDayPercent = 0m }, 1, "rules[1].absentDayPercent" },
        { "no counting unit", r => r with { CountingUnit = null }, 2, "rules[2].countingUnit" },
        { "one concern is no repetition", r => r with { Count = 1 }, 3, "rules[3].count" },
        { "a span of zero months", r => r with { WithinMonths = 0 }, 3, "rules[3].withinMonths" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Validate_RefusesOutOfRangeParameters(string because, Func<RuleDefinition, RuleDefinition> change, int index, string field)
    {
        var rules = RuleSets.DefaultRules.SetItem(index, change(RuleSets.DefaultRules[index]));

        RuleSets.Validate(rules).ShouldContain(e => e.Field == field, because);
    }

    [Fact]
    public void Validate_RefusesDuplicateIdsAndTwoWatchRules()
    {
        var rules = RuleSets.DefaultRules.Add(RuleSets.DefaultRules[0]).Add(RuleSets.DefaultRules[4] with { Id = new RuleId("watch-2") });

        var errors = RuleSets.Validate(rules);

        errors.ShouldContain(e => e.Code == "Duplicate");
        errors.ShouldContain(e => e.Code == "DuplicateWatchRule");
    }

    [Fact]
    public void ChangeMunicipalityRules_VersionsAndAuditsEveryChange()
    {
        var current = RuleSets.Defaults(Borlange, Now);
        var changed = current.Rules.SetItem(1, current.Rules[1] with { ConsecutiveDays = 8 });

        var result = RuleSetDecisions.ChangeMunicipalityRules(current, changed, Principal, "Beslut i nämnden", At("2025-09-02 10:00"));

        result.IsValid.ShouldBeTrue();
        result.Current.Version.ShouldBe(new RuleSetVersion(2, Principal, At("2025-09-02 10:00"), "Beslut i nämnden"));
        result.Current.Rules[1].ConsecutiveDays.ShouldBe(8);
        result.Change!.FromVersion.ShouldBe(1);
        result.Change.RulesBefore[1].ConsecutiveDays.ShouldBe(10);
        result.Change.RulesAfter[1].ConsecutiveDays.ShouldBe(8);
    }

    [Fact]
    public void ChangeMunicipalityRules_NeedsAReasonAndValidRules()
    {
        var current = RuleSets.Defaults(Borlange, Now);

        var noReason = RuleSetDecisions.ChangeMunicipalityRules(current, current.Rules.SetItem(1, current.Rules[1] with { ConsecutiveDays = 8 }), Principal, " ", Now);
        var invalid = RuleSetDecisions.ChangeMunicipalityRules(current, current.Rules.SetItem(0, current.Rules[0] with { ThresholdPercent = 0m }), Principal, "x", Now);
        var unchanged = RuleSetDecisions.ChangeMunicipalityRules(current, current.Rules, Principal, "x", Now);

        noReason.Errors.ShouldContain(e => e.Field == "reason");
        noReason.Current.ShouldBeSameAs(current);
        invalid.IsValid.ShouldBeFalse();
        unchanged.IsValid.ShouldBeTrue();
        unchanged.Change.ShouldBeNull();
        unchanged.Current.Version.Number.ShouldBe(1);
    }

    [Fact]
    public void ChangeSchoolOverrides_VersionsFromOneAndRefusesNonAbsenceRules()
    {
        var municipality = RuleSets.Defaults(Borlange, Now);
        ImmutableArray<RuleOverride> lower = [new RuleOverride { Rule = RuleIds.TotalAbsence, ThresholdPercent = 15m, RearmBelowPercent = 10m }];

        var first = RuleSetDecisions.ChangeSchoolOverrides(null, SchoolA, municipality, lower, Principal, "Rektors beslut", Now);
        var second = RuleSetDecisions.ChangeSchoolOverrides(first.Current, SchoolA, municipality, [lower[0] with { ThresholdPercent = 18m }], Principal, "Justering", At("2025-10-01 10:00"));
        var refused = RuleSetDecisions.ChangeSchoolOverrides(second.Current, SchoolA, municipality, [new RuleOverride { Rule = RuleIds.RepeatedConcern, Enabled = false }], Principal, "x", Now);
        var unknown = RuleSetDecisions.ChangeSchoolOverrides(second.Current, SchoolA, municipality, [new RuleOverride { Rule = new RuleId("nope") }], Principal, "x", Now);
        var outOfRange = RuleSetDecisions.ChangeSchoolOverrides(second.Current, SchoolA, municipality, [new RuleOverride { Rule = RuleIds.TotalAbsence, RearmBelowPercent = 30m }], Principal, "x", Now);

        first.Current.Version.Number.ShouldBe(1);
        first.Change!.FromVersion.ShouldBeNull();
        second.Current.Version.Number.ShouldBe(2);
        second.Change!.OverridesBefore.Single().ThresholdPercent.ShouldBe(15m);
        refused.Errors.ShouldContain(e => e.Code == "NotOverridable");
        unknown.Errors.ShouldContain(e => e.Code == "UnknownRule");
        outOfRange.Errors.ShouldContain(e => e.Field == "overrides[0].rearmBelowPercent");
    }

    [Fact]
    public void Evaluate_SkipsDisabledRules()
    {
        var rules = TestRules(new RuleOverride { Rule = RuleIds.TotalAbsence, Enabled = false });
        var state = RuleTestKit.WithDays(RuleTestKit.Days("2025-09-15", "2025-10-10", _ => (0, 300)));

        var assessment = RuleTestKit.Assess(state, At("2025-10-10 18:00"), rules);

        assessment.Firings.ShouldNotContain(f => f.Rule == RuleIds.TotalAbsence);
        assessment.Firings.ShouldContain(f => f.Rule == RuleIds.ConsecutiveAbsence);
        assessment.Firings.ShouldAllBe(f => f.Severity == Severity.Normal);
    }
}
