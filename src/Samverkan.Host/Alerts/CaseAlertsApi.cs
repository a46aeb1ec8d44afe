using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Host.Security;

namespace Samverkan.Host.Alerts;

/// <summary>
/// One alert of a case as every participant sees it: to whom (staff id), what, when it was raised and when (if) it was
/// acknowledged, and whether it is an escalation of another alert. No texts, no child data beyond the case itself.
/// </summary>
public sealed record CaseAlertView(
    long Id,
    string Recipient,
    string Kind,
    string Severity,
    DateTimeOffset RaisedAt,
    DateTimeOffset? AcknowledgedAt,
    bool Escalation);

public sealed record CaseAlerts(string CaseId, IReadOnlyList<CaseAlertView> Items);

/// <summary>
/// <c>GET /api/v1/cases/{caseId}/alerts</c>: who was alerted about a case, who acknowledged and when. Anyone who may see
/// the case (need-to-know, <see cref="IChildAccess"/>) sees all of its alerts; the read is audited under the case's child.
/// </summary>
public static class CaseAlertsApi
{
    public const int MaxAlerts = 1000;

    public static RouteHandlerBuilder MapCaseAlertsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.MapGet("/api/v1/cases/{caseId}/alerts", GetAsync)
            .WithTags("Cases", "Alerts")
            .RequireAuthorization(SamverkanPolicies.Staff)
            .WithName("GetCaseAlerts")
            .WithSummary("The alerts of a case: to whom, when raised, who acknowledged and when.");
    }

    private static async Task<Results<Ok<CaseAlerts>, ProblemHttpResult>> GetAsync(
        string caseId, HttpContext http, IChildAccess access, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        // 404 (as if missing) when the caller may not see the case; audited when they may.
        await access.RequireCaseAsync(http, caseId, AuditAction.Read, "case alerts").ConfigureAwait(false);
        await using var command = database.CreateCommand(
            """
            select a.id, a.staff_id, a.kind, a.severity, a.raised_at, a.acknowledged_at, a.alert_key like '%/escalated/%'
              from coord_alerts a
              join coord_cases c on c.case_id = a.case_id
             where a.case_id = $1 and c.municipality = $2
             order by a.id
             limit $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        command.Parameters.Add(new NpgsqlParameter { Value = http.GetCaller().Municipality.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = MaxAlerts });
        var items = new List<CaseAlertView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new CaseAlertView(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetBoolean(6)));
        }

        return TypedResults.Ok(new CaseAlerts(caseId, items));
    }
}
