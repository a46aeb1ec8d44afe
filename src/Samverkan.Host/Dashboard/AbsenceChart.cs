using System.Globalization;
using System.Net;
using System.Text;
using Samverkan.Domain.Children;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// A child's weekly absence as an inline SVG bar chart rendered on the server: excused and unexcused absence stacked as
/// a share of the offered time, a dashed line at the threshold, week numbers below. A picture with a text alternative
/// (title and description), not a table.
/// </summary>
public static class AbsenceChart
{
    public const int MaxWeeks = 12;

    private const int Width = 520;
    private const int Height = 260;
    private const int Left = 58;
    private const int Right = 12;
    private const int Top = 16;
    private const int Bottom = 40;

    /// <summary>The SVG markup (every text encoded), for the last <see cref="MaxWeeks"/> weeks with offered time.</summary>
    public static string Render(IReadOnlyList<WeeklyAbsence> weeks, decimal thresholdPercent, DashboardText text)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        ArgumentNullException.ThrowIfNull(text);
        var shown = weeks.Where(w => w.OfferedMinutes > 0).OrderBy(w => w.WeekStart).TakeLast(MaxWeeks).ToList();
        var invariant = CultureInfo.InvariantCulture;
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var highest = shown.Count == 0 ? null : shown.MaxBy(w => w.AbsentPercent);
        var description = highest is null
            ? text["case.absence.empty"]
            : text.Format("case.absence.chart", shown.Count, text.Percent(Math.Round(highest.AbsentPercent, 1)), highest.IsoWeek);

        var svg = new StringBuilder();
        svg.Append(invariant, $"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append("<title id=\"chart-title\">").Append(Encode(text["case.absence"])).Append("</title>");
        svg.Append("<desc id=\"chart-desc\">").Append(Encode(description)).Append("</desc>");

        // Grid and y axis: 0, 25, 50, 75, 100 %.
        foreach (var tick in new[] { 0, 25, 50, 75, 100 })
        {
            var y = Top + plotHeight - (plotHeight * tick / 100.0);
            svg.Append(invariant, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>");
            svg.Append(invariant, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" class=\"axis\">")
                .Append(Encode(text.Percent(tick))).Append("</text>");
        }

        if (shown.Count > 0)
        {
            var slot = plotWidth / (double)Math.Max(shown.Count, 6);
            var bar = slot * 0.6;
            for (var i = 0; i < shown.Count; i++)
            {
                var week = shown[i];
                var excused = Share(week.ExcusedMinutes, week.OfferedMinutes);
                var unexcused = Share(week.UnexcusedMinutes, week.OfferedMinutes);
                var x = Left + (slot * i) + ((slot - bar) / 2);
                var excusedHeight = plotHeight * excused / 100.0;
                var unexcusedHeight = plotHeight * unexcused / 100.0;
                var baseY = Top + plotHeight;
                var label = $"{text["case.absence.week"]} {week.IsoWeek}: {text.Percent(Math.Round(week.AbsentPercent, 1))}";
                svg.Append("<g><title>").Append(Encode(label)).Append("</title>");
                if (excusedHeight > 0)
                {
                    svg.Append(invariant, $"<rect x=\"{x:0.#}\" y=\"{baseY - excusedHeight:0.#}\" width=\"{bar:0.#}\" height=\"{excusedHeight:0.#}\" class=\"excused\"/>");
                }

                if (unexcusedHeight > 0)
                {
                    svg.Append(invariant, $"<rect x=\"{x:0.#}\" y=\"{baseY - excusedHeight - unexcusedHeight:0.#}\" width=\"{bar:0.#}\" height=\"{unexcusedHeight:0.#}\" class=\"unexcused\"/>");
                }

                svg.Append("</g>");
                svg.Append(invariant, $"<text x=\"{x + (bar / 2):0.#}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\" class=\"axis\">")
                    .Append(Encode($"{text["case.absence.week"]} {week.IsoWeek}")).Append("</text>");
            }
        }

        var thresholdY = Top + plotHeight - (plotHeight * (double)Math.Clamp(thresholdPercent, 0, 100) / 100.0);
        svg.Append(invariant, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{thresholdY:0.#}\" y2=\"{thresholdY:0.#}\" class=\"threshold\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static double Share(int minutes, int offered) => offered <= 0 ? 0 : Math.Clamp(minutes * 100.0 / offered, 0, 100);

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
