using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A report of concern (orosanmälan). The reporter is stored apart and shown to social services only.</summary>
public sealed record ConcernRequest(
    string? Id,
    ChildReference? Child,
    ConcernCategory? Category,
    DateOnly? Date,
    string? Summary,
    bool Urgent,
    StaffRole? ReporterRole,
    string? ExternalReporterReference);

public sealed record ConcernReceipt(string ConcernId, string ChildKey);

/// <summary>Social services' decision: investigation opened, or not (the child then goes under watch).</summary>
public sealed record ConcernOutcomeRequest(InvestigationDecision? Decision, DateTimeOffset? DecidedAt, string? Note);

public static class ConcernApi
{
    public static RouteGroupBuilder MapConcernApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1").WithTags("Concerns");
        group.MapPost("/concerns", ReportAsync).WithName("ReportConcern").WithSummary("Registers a report of concern about a child.");
        group.MapPost("/children/{childKey}/concerns/{concernId}/outcome", RecordOutcomeAsync)
            .WithName("RecordConcernOutcome").WithSummary("Records social services' decision on a concern.");
        return group;
    }

    private static async Task<Results<Created<ConcernReceipt>, ProblemHttpResult>> ReportAsync(
        ConcernRequest request, HttpContext http, ChildIdentity identity, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        var (key, keyError) = identity.Resolve(request.Child, "child");
        if (keyError is not null)
        {
            errors.Add(keyError);
        }

        // The concern id makes the report idempotent: the client's, else the Idempotency-Key, else a new one.
        var header = http.Request.Headers["Idempotency-Key"].ToString();
        var concernId = request.Id ?? (header.Length > 0 ? header : Guid.NewGuid().ToString("N"));
        if (!StringIds.IsValid(concernId))
        {
            errors.Add(new FieldError("id", "Invalid", "The concern id is not valid."));
        }

        var report = new ConcernReport
        {
            Id = StringIds.IsValid(concernId) ? new ConcernId(concernId) : default,
            ReportingOrganisation = caller.Organisation,
            ReportingAgency = caller.Agency,
            ReporterRole = request.ReporterRole ?? caller.Roles.FirstOrDefault(),
            Category = request.Category ?? (ConcernCategory)(-1),
            Date = request.Date ?? default,
            Summary = request.Summary ?? "",
            Urgent = request.Urgent,
            Reporter = new ReporterIdentity(caller.IsFeed ? null : caller.Staff, request.ExternalReporterReference),
        };
        errors.AddRange(report.Validate(time.GetUtcNow()).Where(e => e.Field != "id" || StringIds.IsValid(concernId)));
        if (errors.Count > 0 || key is null)
        {
            return ApiProblems.Invalid(errors);
        }

        // Anyone may report a child they name by its identity number (SoL 14 kap. 1 §): the report goes to the child's own
        // municipality (the reporter's only for a child not yet known). Naming it by its key needs a relation to it, as
        // reading it does: without one the answer is 404, as for a key that names no child.
        if (request.Child!.Key is not null)
        {
            await http.RequestServices.GetRequiredService<IChildAccess>().RequireReportableChildAsync(http, key.Value).ConfigureAwait(false);
        }

        var (result, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.ChildOf(key.Value), new ReportConcern(report, caller.Municipality), $"concern:{caller.Organisation.Value}:{concernId}", cancellationToken)
            .ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Created($"/api/v1/children/{key.Value.Value}/overview", new ConcernReceipt(result!.Id ?? concernId, key.Value.Value));
    }

    private static async Task<Results<Ok, ProblemHttpResult>> RecordOutcomeAsync(
        string childKey, string concernId, ConcernOutcomeRequest request, HttpContext http, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!PseudonymousKey.IsWellFormed(childKey) || !StringIds.IsValid(concernId))
        {
            return ApiProblems.NotFound("concern");
        }

        // Only social services related to the child decide on its concerns; anyone else gets 404, as for a missing child.
        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        var allowed = await access.DecideAsync(caller, new PseudonymousKey(childKey), cancellationToken).ConfigureAwait(false);
        if (!allowed.Allowed || caller.Agency != Agency.SocialServices)
        {
            throw new ChildNotFoundException();
        }

        await http.RequestServices.GetRequiredService<IAuditLog>().RecordAsync(http, AuditAction.Write, allowed.Child, "record a concern outcome")
            .ConfigureAwait(false);

        if (request.Decision is not { } decision || !Enum.IsDefined(decision))
        {
            return ApiProblems.Invalid([new FieldError("decision", "Required", "decision is Opened or NotOpened.")]);
        }

        var decidedAt = request.DecidedAt ?? time.GetUtcNow();
        if (decidedAt > time.GetUtcNow().AddMinutes(5))
        {
            return ApiProblems.Invalid([new FieldError("decidedAt", "InFuture", "The decision cannot be dated in the future.")]);
        }

        var (_, problem) = await ActorCalls.CommandAsync(
            actors,
            CoordinationActors.ChildOf(new PseudonymousKey(childKey)),
            new RecordConcernOutcome(new ConcernId(concernId), new ConcernOutcome(decision, decidedAt, caller.Staff, request.Note)),
            ActorCalls.IdempotencyKey(http, "concern-outcome"),
            cancellationToken).ConfigureAwait(false);
        return problem is null ? TypedResults.Ok() : problem;
    }
}
