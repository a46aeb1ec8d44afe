using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Statistics;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Statistics;

/// <summary>
/// <c>GET /api/v1/statistics</c> and <c>GET /api/v1/statistics.csv</c>: cases opened and closed, reports of concern and
/// their outcomes, median hours to acknowledgement, per municipality, school and case kind, by ISO week or month. For
/// coordinators (their municipality) and regional coordinators (their region's municipalities); every value passed
/// through <see cref="SmallCounts"/>. No child key, name or identity in either answer.
/// </summary>
public static class StatisticsApi
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    public static IEndpointRouteBuilder MapStatisticsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1").WithTags("Statistics").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/statistics", GetAsync).WithName("GetStatistics")
            .WithSummary("Statistics over time with small-count protection: ?period=week|month&from=YYYY-MM-DD&to=YYYY-MM-DD[&municipality=…].");
        group.MapGet("/statistics.csv", GetCsvAsync).WithName("GetStatisticsCsv")
            .WithSummary("The same statistics as CSV (text/csv), with the same protection.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    private static async Task<Results<Ok<StatisticsReport>, ProblemHttpResult>> GetAsync(
        HttpContext http, StatisticsScope scope, StatisticsQuery query, ServiceClock time, CancellationToken cancellationToken,
        string? period = null, string? from = null, string? to = null, string? municipality = null)
    {
        var (report, problem) = await ReadAsync(http.User, http.GetCaller(), scope, query, time, period, from, to, municipality, cancellationToken).ConfigureAwait(false);
        return report is null ? problem! : TypedResults.Ok(report);
    }

    private static async Task<IResult> GetCsvAsync(
        HttpContext http, StatisticsScope scope, StatisticsQuery query, ServiceClock time, CancellationToken cancellationToken,
        string? period = null, string? from = null, string? to = null, string? municipality = null)
    {
        var (report, problem) = await ReadAsync(http.User, http.GetCaller(), scope, query, time, period, from, to, municipality, cancellationToken).ConfigureAwait(false);
        if (report is null)
        {
            return problem!;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"samverkan-statistik-{report.Period}-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv");
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        return TypedResults.Text(Csv(report), CsvContentType, Encoding.UTF8);
    }

    /// <summary>
    /// The CSV: one value per line (<c>section,period,municipality,school,kind,measure,value</c>), so a spreadsheet can
    /// pivot it; values as the API shows them ("&lt; 5" for hidden ones). Names are not included (codes and ids only).
    /// </summary>
    public static string Csv(StatisticsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder("section,period,municipality,school,kind,measure,value\r\n");
        void Line(string section, string period, string municipality, string? school, string? kind, string measure, string value) =>
            csv.Append(string.Join(',', new[] { section, period, municipality, school ?? "", kind ?? "", measure, value }.Select(Field))).Append("\r\n");

        foreach (var t in report.Totals)
        {
            Line("municipality", t.Period, t.Municipality, null, null, "casesOpened", t.CasesOpened);
            Line("municipality", t.Period, t.Municipality, null, null, "casesClosed", t.CasesClosed);
            Line("municipality", t.Period, t.Municipality, null, null, "reports", t.Reports);
            Line("municipality", t.Period, t.Municipality, null, null, "investigationOpened", t.InvestigationOpened);
            Line("municipality", t.Period, t.Municipality, null, null, "investigationNotOpened", t.InvestigationNotOpened);
            Line("municipality", t.Period, t.Municipality, null, null, "awaitingDecision", t.Awaiting);
            Line("municipality", t.Period, t.Municipality, null, null, "medianHoursToAcknowledgement", t.MedianHoursToAcknowledgement);
        }

        foreach (var c in report.Cases)
        {
            Line("cases", c.Period, c.Municipality, c.School, c.Kind, "opened", c.Opened);
            Line("cases", c.Period, c.Municipality, c.School, c.Kind, "closed", c.Closed);
        }

        foreach (var c in report.Concerns)
        {
            Line("concerns", c.Period, c.Municipality, c.School, null, "reports", c.Reports);
            Line("concerns", c.Period, c.Municipality, c.School, null, "investigationOpened", c.InvestigationOpened);
            Line("concerns", c.Period, c.Municipality, c.School, null, "investigationNotOpened", c.InvestigationNotOpened);
            Line("concerns", c.Period, c.Municipality, c.School, null, "awaitingDecision", c.Awaiting);
        }

        return csv.ToString();
    }

    // Quoted when needed; a field a spreadsheet would read as a formula is prefixed with an apostrophe.
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Parses the query (400 for what cannot be read, 422 for a range that cannot be answered), decides the scope, reads.</summary>
    internal static async Task<(StatisticsReport? Report, ProblemHttpResult? Problem)> ReadAsync(
        ClaimsPrincipal user, Caller caller, StatisticsScope scope, StatisticsQuery query, ServiceClock time,
        string? period, string? from, string? to, string? municipality, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        PeriodKind kind = PeriodKind.Month;
        if (period is not null && !TryPeriod(period, out kind))
        {
            errors.Add(new FieldError("period", "Invalid", "period is week or month."));
        }

        var fromDate = Date(from, "from", errors);
        var toDate = Date(to, "to", errors);
        if (municipality is not null && !StringIds.IsValid(municipality))
        {
            errors.Add(new FieldError("municipality", "Invalid", "municipality is a municipality code."));
        }

        if (errors.Count > 0)
        {
            return (null, TypedResults.Problem(
                title: "The query cannot be read", statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new ItemError(null, null, e.Field, e.Code, e.Message)).ToList() }));
        }

        var today = SwedishTime.DateOf(time.GetUtcNow());
        var end = toDate ?? today;
        var start = fromDate ?? (kind == PeriodKind.Week ? end.AddDays(-7 * 11) : end.AddMonths(-11));
        if (start > end)
        {
            return (null, ApiProblems.Invalid([new FieldError("from", "AfterTo", "from must not be after to.")]));
        }

        var range = StatisticsRange.Whole(kind, start, end);
        if (range.To.DayNumber - range.From.DayNumber + 1 > StatisticsRange.MaxDays)
        {
            return (null, ApiProblems.Invalid([new FieldError("from", "TooLong", $"A request covers at most {StatisticsRange.MaxDays} days.")]));
        }

        var decision = await scope.DecideAsync(user, caller, municipality, cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            return (null, TypedResults.Problem(title: decision.Problem, statusCode: decision.Status));
        }

        return (await query.ReadAsync(decision.Municipalities!, range, cancellationToken).ConfigureAwait(false), null);
    }

    private static bool TryPeriod(string text, out PeriodKind kind)
    {
        kind = text switch { "week" => PeriodKind.Week, "month" => PeriodKind.Month, _ => (PeriodKind)(-1) };
        return Enum.IsDefined(kind);
    }

    private static DateOnly? Date(string? text, string field, List<FieldError> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year >= 2000)
        {
            return date;
        }

        errors.Add(new FieldError(field, "Invalid", $"{field} is a date, YYYY-MM-DD."));
        return null;
    }
}
