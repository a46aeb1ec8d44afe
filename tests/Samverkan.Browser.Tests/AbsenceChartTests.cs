using System.Xml.Linq;
using Samverkan.Domain.Children;
using Samverkan.Host.Dashboard;

namespace Samverkan.Browser.Tests;

/// <summary>The absence chart is a well-formed SVG picture with a text alternative, drawn from the weekly figures.</summary>
public sealed class AbsenceChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Render_DrawsOneStackPerWeek_WithTheThresholdAndATextAlternative()
    {
        WeeklyAbsence[] weeks =
        [
            Week(47, excused: 0, unexcused: 0),
            Week(48, excused: 600, unexcused: 0),
            Week(49, excused: 300, unexcused: 450),
        ];

        var svg = XElement.Parse(AbsenceChart.Render(weeks, 20m, DashboardText.Sv));

        svg.Attribute("role")!.Value.ShouldBe("img");
        svg.Element(Svg + "title")!.Value.ShouldBe("Frånvaro per vecka");
        svg.Element(Svg + "desc")!.Value.ShouldContain("Högst 50\u00a0% vecka 49");
        svg.Descendants(Svg + "rect").Count(r => r.Attribute("class")!.Value == "excused").ShouldBe(2);
        svg.Descendants(Svg + "rect").Count(r => r.Attribute("class")!.Value == "unexcused").ShouldBe(1);
        svg.Descendants(Svg + "line").Count(l => l.Attribute("class")!.Value == "threshold").ShouldBe(1);
        svg.Descendants(Svg + "text").Select(t => t.Value).ShouldContain("v. 47");
    }

    [Fact]
    public void Render_ScalesBarsToTheOfferedTime_AndKeepsOnlyTheLastTwelveWeeks()
    {
        var weeks = Enumerable.Range(1, 20).Select(w => Week(w, excused: w == 20 ? 1500 : 0, unexcused: 0)).ToArray();

        var svg = XElement.Parse(AbsenceChart.Render(weeks, 20m, DashboardText.En));

        var labels = svg.Descendants(Svg + "text").Select(t => t.Value).Where(t => t.StartsWith("wk", StringComparison.Ordinal)).ToList();
        labels.Count.ShouldBe(AbsenceChart.MaxWeeks);
        labels[0].ShouldBe("wk 9");
        var full = svg.Descendants(Svg + "rect").Single();
        double.Parse(full.Attribute("height")!.Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(204); // the whole plot height: 100 %
    }

    [Fact]
    public void Render_WithoutWeeks_SaysSo()
    {
        var svg = XElement.Parse(AbsenceChart.Render([], 20m, DashboardText.Sv));

        svg.Element(Svg + "desc")!.Value.ShouldBe("Ingen frånvaro registrerad.");
        svg.Descendants(Svg + "rect").ShouldBeEmpty();
    }

    private static WeeklyAbsence Week(int week, int excused, int unexcused)
    {
        const int Offered = 1500;
        var absent = excused + unexcused;
        return new WeeklyAbsence(
            2026, week, DateOnly.FromDateTime(System.Globalization.ISOWeek.ToDateTime(2026, week, DayOfWeek.Monday)), 5, Offered, Offered - absent, excused,
            unexcused, 0, Math.Round(absent * 100m / Offered, 1), Math.Round(unexcused * 100m / Offered, 1));
    }
}
