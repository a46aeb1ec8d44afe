using System.Globalization;
using System.Text;

namespace Samverkan.Benchmarks;

/// <summary>The results table: one row per measure, with the goal and whether it was met.</summary>
internal sealed class Report
{
    private readonly List<(string Scenario, string Measure, string Value, string Goal, string Verdict)> _rows = [];

    public void Add(string scenario, string measure, double value, string unit, double? goal = null, bool higherIsBetter = true)
    {
        var verdict = goal is null ? "" : (higherIsBetter ? value >= goal : value <= goal) ? "met" : "NOT met";
        var goalText = goal is null ? "" : (higherIsBetter ? "≥ " : "< ") + Format(goal.Value) + " " + unit;
        _rows.Add((scenario, measure, Format(value) + " " + unit, goalText, verdict));
        Console.WriteLine($"  {scenario} / {measure}: {Format(value)} {unit}");
    }

    public void AddText(string scenario, string measure, string value) => _rows.Add((scenario, measure, value, "", ""));

    public string Render()
    {
        string[] headers = ["scenario", "measure", "value", "goal", "verdict"];
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => Cell(r, i).Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(headers, widths));
        text.AppendLine(string.Join(" | ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            text.AppendLine(Line([.. Enumerable.Range(0, 5).Select(i => Cell(row, i))], widths));
        }

        return text.ToString();
    }

    private static string Cell((string, string, string, string, string) row, int index) => index switch
    {
        0 => row.Item1,
        1 => row.Item2,
        2 => row.Item3,
        3 => row.Item4,
        _ => row.Item5,
    };

    private static string Line(string[] cells, int[] widths) => string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i])));

    private static string Format(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.00", CultureInfo.InvariantCulture);
}
