using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Organisation;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>Take the lead (no <c>staff</c>), or assign / hand it over to <c>staff</c>.</summary>
public sealed record LeadRequest(string? Staff);

/// <summary>A new action of the joint plan: what, due when, and which organisation (and agency) or person owns it.</summary>
public sealed record PlanActionRequest(string? What, DateOnly? DueOn, string? Organisation, Agency? Agency, string? Owner);

/// <summary>An update by the action's owner organisation: status, a progress note, a new due date (at least one).</summary>
public sealed record PlanActionUpdateRequest(PlanActionStatus? Status, string? Progress, DateOnly? DueOn);

/// <summary>A meeting to schedule: when (in the future) and what for.</summary>
public sealed record MeetingRequest(DateTimeOffset? At, string? Purpose);

/// <summary>One organisation at a meeting (and, optionally, who came for it).</summary>
public sealed record AttendeeRequest(string? Organisation, Agency? Agency, string? Staff);

/// <summary>
/// A held meeting: who attended (by organisation), what was decided, the next follow-up date, and whether the joint plan
/// was agreed there (a SIP also names who holds overall responsibility).
/// </summary>
public sealed record MeetingHeldRequest(
    DateTimeOffset? HeldAt,
    IReadOnlyList<AttendeeRequest>? Attendees,
    IReadOnlyList<string>? Decisions,
    DateOnly? NextFollowUpOn,
    bool PlanAgreed,
    string? OverallResponsible);

/// <summary>Hand every role of <c>from</c> on the case over to <c>to</c> (same agency).</summary>
public sealed record HandoverRequest(string? From, string? To);

/// <summary>A placed child's joint follow-up was held (the earliest one due); optional notes without personal data.</summary>
public sealed record PlacementFollowUpRequest(string? Notes);

/// <summary>What a case-work command created or changed.</summary>
public sealed record CaseWorkReceipt(string CaseId, string? Id);

/// <summary>
/// Case work across agencies (issue 8) on a case: the lead, the joint plan's actions, meetings, handovers and placed
/// children's follow-ups; staff deactivation. Every command is asked of the case actor as the caller, after the same
/// need-to-know check (audited as a write) as the case itself; the domain refuses non-participants (403), conflicts (409)
/// and bad input (422). <c>Idempotency-Key</c> makes a retry return the stored outcome. Progress is read with
/// <c>GET /api/v1/cases/{id}</c> (lead, plan, meetings, vacancies, SIP, placement follow-ups).
/// </summary>
public static class CaseWorkApi
{
    public const int MaxAttendees = 50;
    public const int MaxDecisions = 50;

    public static IEndpointRouteBuilder MapCaseWorkApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var cases = app.MapGroup("/api/v1/cases").WithTags("Case work").RequireAuthorization(SamverkanPolicies.Staff);
        cases.MapPost("/{caseId}/lead", LeadAsync).WithName("AssignCaseLead")
            .WithSummary("Takes, assigns or hands over the lead of the case.");
        cases.MapPost("/{caseId}/plan/actions", AddActionAsync).WithName("AddPlanAction")
            .WithSummary("Adds an action to the joint plan (what, organisation or owner, due date).");
        cases.MapPut("/{caseId}/plan/actions/{actionId}", UpdateActionAsync).WithName("UpdatePlanAction")
            .WithSummary("The action's organisation updates its status, progress or due date.");
        cases.MapPost("/{caseId}/meetings", ScheduleMeetingAsync).WithName("ScheduleMeeting")
            .WithSummary("Schedules a meeting of the participants.");
        cases.MapPost("/{caseId}/meetings/{meetingId}/held", MeetingHeldAsync).WithName("RecordMeetingHeld")
            .WithSummary("Records a held meeting: attendees by organisation, decisions, next follow-up, plan agreed.");
        cases.MapPost("/{caseId}/handover", HandoverAsync).WithName("HandOverCaseRoles")
            .WithSummary("Hands every role of a staff member on the case over to a colleague.");
        cases.MapPost("/{caseId}/placement-follow-ups/held", PlacementFollowUpAsync).WithName("RecordPlacementFollowUp")
            .WithSummary("Records a placed child's joint school follow-up as held.");

        var staff = app.MapGroup("/api/v1/staff").WithTags("Roster").RequireAuthorization(SamverkanPolicies.RosterAdmin);
        staff.MapPost("/{staffId}/deactivate", DeactivateAsync).WithName("DeactivateStaff")
            .WithSummary("Deactivates a staff member: every role they hold is flagged for reassignment and their manager alerted.");
        return app;
    }

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> LeadAsync(
        string caseId, LeadRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        SendAsync(caseId, CaseWorkRequests.Lead(request), http, actors, database, "lead", cancellationToken);

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> AddActionAsync(
        string caseId, PlanActionRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        SendAsync(caseId, CaseWorkRequests.AddAction(request), http, actors, database, "plan-action", cancellationToken);

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> UpdateActionAsync(
        string caseId, string actionId, PlanActionUpdateRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database,
        CancellationToken cancellationToken) =>
        !StringIds.IsValid(actionId)
            ? Task.FromResult<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>>(ApiProblems.NotFound("plan action"))
            : SendAsync(caseId, CaseWorkRequests.UpdateAction(actionId, request), http, actors, database, $"plan-action-{actionId}", cancellationToken);

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> ScheduleMeetingAsync(
        string caseId, MeetingRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        SendAsync(caseId, CaseWorkRequests.ScheduleMeeting(request), http, actors, database, "meeting", cancellationToken);

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> MeetingHeldAsync(
        string caseId, string meetingId, MeetingHeldRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database,
        CancellationToken cancellationToken)
    {
        if (!StringIds.IsValid(meetingId))
        {
            return Task.FromResult<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>>(ApiProblems.NotFound("meeting"));
        }

        if ((request.Attendees?.Count ?? 0) > MaxAttendees || (request.Decisions?.Count ?? 0) > MaxDecisions)
        {
            return Task.FromResult<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>>(ApiProblems.TooMany((request.Attendees?.Count ?? 0) > MaxAttendees ? "attendees" : "decisions", "attendees or decisions", Math.Max(MaxAttendees, MaxDecisions)));
        }

        return SendAsync(caseId, CaseWorkRequests.MeetingHeld(meetingId, request), http, actors, database, $"meeting-held-{meetingId}", cancellationToken);
    }

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> HandoverAsync(
        string caseId, HandoverRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        !StringIds.IsValid(request.From) || !StringIds.IsValid(request.To)
            ? Invalid("to", "Required", "from and to are staff ids.")
            : CommandAsync(caseId, http, actors, database, by => new HandOverCaseRoles(new StaffId(request.From!), new StaffId(request.To!), by), "handover", cancellationToken);

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> PlacementFollowUpAsync(
        string caseId, PlacementFollowUpRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        CommandAsync(caseId, http, actors, database, by => new RecordCasePlacementFollowUp(request.Notes, by), "placement-follow-up", cancellationToken);

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> DeactivateAsync(
        string staffId, HttpContext http, WriteScope scope, IActorClient actors, CancellationToken cancellationToken)
    {
        // Another municipality's staff member is answered as one who does not exist.
        if (!StringIds.IsValid(staffId) || !await scope.MayWriteStaffAsync(http.GetCaller(), new StaffId(staffId), null, cancellationToken).ConfigureAwait(false))
        {
            return ApiProblems.NotFound("staff member");
        }

        var (result, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.StaffOf(new StaffId(staffId)), new DeactivateStaff(), ActorCalls.IdempotencyKey(http, $"staff-deactivate:{staffId}"), cancellationToken)
            .ConfigureAwait(false);
        return problem ?? (Results<Ok<CommandResult>, ProblemHttpResult>)TypedResults.Ok(result!);
    }

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> SendAsync(
        string caseId, CaseWorkCommand command, HttpContext http, IActorClient actors, NpgsqlDataSource database, string scope,
        CancellationToken cancellationToken) =>
        command.Create is { } create
            ? CommandAsync(caseId, http, actors, database, create, scope, cancellationToken)
            : Task.FromResult<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>>(ApiProblems.Invalid(command.Errors));

    private static Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> Invalid(string field, string code, string message) =>
        Task.FromResult<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>>(ApiProblems.Invalid([new FieldError(field, code, message)]));

    private static async Task<Results<Ok<CaseWorkReceipt>, ProblemHttpResult>> CommandAsync(
        string caseId, HttpContext http, IActorClient actors, NpgsqlDataSource database, Func<ActingStaff, object> command, string scope,
        CancellationToken cancellationToken)
    {
        // Need-to-know first (404 when not visible), audited as a write under the case's child.
        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        await access.RequireCaseAsync(http, caseId, AuditAction.Write, "case work").ConfigureAwait(false);
        var caller = http.GetCaller();
        var target = CoordinationActors.CaseOf(new CaseId(caseId));
        var state = await actors.AskAsync<CaseState>(target, new GetCase(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (state?.Municipality?.Value != caller.Municipality.Value)
        {
            return ApiProblems.NotFound("case");
        }

        var teams = await CaseApi.CallerTeamsAsync(database, caller.Staff, cancellationToken).ConfigureAwait(false);
        var by = new ActingStaff(caller.Staff, caller.Agency) { Teams = [.. teams.Select(t => new TeamId(t))], Organisation = caller.Organisation };
        var message = command(by);
        if (await http.RequestServices.GetRequiredService<WriteScope>().StaffOutsideAsync(caller, message, cancellationToken).ConfigureAwait(false) is not null)
        {
            return ApiProblems.Refused(WriteScope.NoSuchStaff);
        }

        var (result, problem) = await ActorCalls.CommandAsync(actors, target, message, ActorCalls.IdempotencyKey(http, $"case-{scope}:{caseId}"), cancellationToken)
            .ConfigureAwait(false);
        return problem ?? (Results<Ok<CaseWorkReceipt>, ProblemHttpResult>)TypedResults.Ok(new CaseWorkReceipt(caseId, result?.Id == caseId ? null : result?.Id));
    }
}
