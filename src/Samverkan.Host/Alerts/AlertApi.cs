using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Alerts;

public sealed record AlertPage(IReadOnlyList<AlertView> Items, int Page, int PageSize, long Total);

/// <summary>
/// The caller's own alerts: a list (newest first, paging, unacknowledged only), acknowledgement, and the live stream
/// (<see cref="AlertStream"/>). An alert is only ever its recipient's: someone else's is 404, as if missing.
/// </summary>
public static class AlertApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapAlertApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/alerts").WithTags("Alerts").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListAlerts").WithSummary("The caller's alerts, newest first.");
        group.MapGet("/stream", AlertStream.Open).WithName("StreamAlerts")
            .WithSummary("Server-Sent Events of the caller's alerts; resumes after Last-Event-ID.");
        group.MapGet("/{alert}", GetAsync).WithName("GetAlert")
            .WithSummary("One of the caller's alerts, by its key (URL-encoded) or stream id.");
        group.MapPost("/{alert}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert")
            .WithSummary("Acknowledges one of the caller's alerts, by its key (URL-encoded) or stream id. Idempotent.");
        return group;
    }

    private static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> ListAsync(
        HttpContext http,
        NpgsqlDataSource database,
        IAuditLog audit,
        CancellationToken cancellationToken,
        bool unacknowledged = false,
        int page = 1,
        int pageSize = 50)
    {
        if (page < 1 || pageSize < 1 || pageSize > MaxPageSize)
        {
            return ApiProblems.Invalid([new FieldError("pageSize", "OutOfRange", $"page ≥ 1 and 1 ≤ pageSize ≤ {MaxPageSize}.")]);
        }

        var caller = http.GetCaller();
        var (items, total) = await AlertStore.PageAsync(database, caller.Staff, unacknowledged, page, pageSize, cancellationToken).ConfigureAwait(false);

        // The children a list names are audited like any read of their data; if the audit cannot be written, nothing is shown.
        await audit.RecordChildrenAsync(http, items.Select(i => new PseudonymousKey(i.ChildKey)), AuditAction.List, "alert list").ConfigureAwait(false);
        return TypedResults.Ok(new AlertPage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> GetAsync(
        string alert, HttpContext http, NpgsqlDataSource database, IAuditLog audit, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        var found = await AlertStore.FindAsync(database, caller.Staff, Uri.UnescapeDataString(alert), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return ApiProblems.NotFound("alert");
        }

        // Reading an alert reads about its child: audited before it is shown.
        await audit.RecordChildrenAsync(http, [new PseudonymousKey(found.ChildKey)], AuditAction.Read, "alert").ConfigureAwait(false);
        return TypedResults.Ok(found);
    }

    private static async Task<Results<Ok<AlertView>, ProblemHttpResult>> AcknowledgeAsync(
        string alert, HttpContext http, NpgsqlDataSource database, IActorClient actors, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        var found = await AlertStore.FindAsync(database, caller.Staff, Uri.UnescapeDataString(alert), cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return ApiProblems.NotFound("alert");
        }

        if (found.AcknowledgedAt is null)
        {
            var (_, problem) = await ActorCalls.CommandAsync(
                actors, CoordinationActors.InboxOf(caller.Staff), new AcknowledgeAlert(found.AlertKey), ActorCalls.IdempotencyKey(http, $"alert-ack:{found.Id}"), cancellationToken)
                .ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            // The projection committed with the reply: the row now says when.
            found = await AlertStore.FindAsync(database, caller.Staff, found.AlertKey, cancellationToken).ConfigureAwait(false) ?? found;
        }

        return TypedResults.Ok(found);
    }
}
