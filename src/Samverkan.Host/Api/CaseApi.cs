using Samverkan.Domain.Common;
using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Cases;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A case in a list. The child's key is shown only to those who may see the child.</summary>
public sealed record CaseSummary(
    string CaseId,
    string? ChildKey,
    string? School,
    string Kind,
    string Status,
    string Severity,
    DateTimeOffset OpenedAt,
    DateTimeOffset? AcknowledgementDueAt,
    DateTimeOffset? AcknowledgedAt,
    bool Overdue,
    int Evidence,
    IReadOnlyList<string> Agencies);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, int Page, int PageSize, long Total);

public sealed record TransitionRequest(CaseStatus? To, CloseReason? Reason, string? Note);

public sealed record DecisionNotToActRequest(string? Reason);

/// <summary>The filters of a case list; null or false: not filtered.</summary>
internal sealed record CaseFilter(string? School = null, string? Team = null, CaseStatus? Status = null, CaseKind? Kind = null, bool Overdue = false);

/// <summary>
/// Joint cases: lists by school, team and municipality (filters, paging), one case, and the first steps of case work:
/// acknowledge, move through the lifecycle, record a decision not to act.
/// </summary>
public static class CaseApi
{
    public const int MaxPageSize = 200;

    // Need-to-know for lists: a participant (in person or through a team), staff of the school's organisation, or a
    // coordinator of the municipality (who sees the case but not the child unless participating). The school of a child
    // with protected identity is shown to, and can be filtered on by, the case team only.
    private const string ListSql = """
        with me as (select $2::text as staff, $3::text[] as teams, $4::text as organisation, $5::bool as coordinator)
        select c.case_id,
               case when c.staff @> array[me.staff] or c.teams && me.teams or s.organisation = me.organisation then c.child_key end,
               case when not c.protected_identity or c.staff @> array[me.staff] or c.teams && me.teams then c.school_id end, c.kind, c.status, c.severity, c.opened_at, c.ack_due_at, c.acknowledged_at,
               c.status = 'Open' and c.acknowledged_at is null and c.ack_due_at < $11 as overdue,
               c.evidence_count, c.agencies, count(*) over () as total
          from coord_cases c
          cross join me
          left join coord_schools s on s.school_id = c.school_id
         where c.municipality = $1
           and (c.staff @> array[me.staff] or c.teams && me.teams or s.organisation = me.organisation or me.coordinator)
           and ($6::text is null or c.school_id = $6 and (not c.protected_identity or c.staff @> array[me.staff] or c.teams && me.teams))
           and ($7::text is null or c.teams @> array[$7])
           and ($8::text is null or c.status = $8)
           and ($9::text is null or c.kind = $9)
           and (not $10 or (c.status = 'Open' and c.acknowledged_at is null and c.ack_due_at < $11))
         order by c.opened_at desc, c.case_id
         limit $12 offset $13
        """;

    public static RouteGroupBuilder MapCaseApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListCases").WithSummary("Cases the caller may see, with filters and paging.");
        group.MapGet("/{caseId}", GetAsync).WithName("GetCase");
        group.MapPost("/{caseId}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeCase");
        group.MapPost("/{caseId}/transition", TransitionAsync).WithName("TransitionCase");
        group.MapPost("/{caseId}/decision-not-to-act", DecisionNotToActAsync).WithName("RecordDecisionNotToAct");
        return group;
    }

    private static async Task<Results<Ok<CasePage>, ProblemHttpResult>> ListAsync(
        HttpContext http,
        NpgsqlDataSource database,
        ServiceClock time,
        CancellationToken cancellationToken,
        string? school = null,
        string? team = null,
        CaseStatus? status = null,
        CaseKind? kind = null,
        bool overdue = false,
        int page = 1,
        int pageSize = 50)
    {
        if (page < 1 || pageSize < 1 || pageSize > MaxPageSize)
        {
            return ApiProblems.Invalid([new Domain.Common.FieldError("pageSize", "OutOfRange", $"page ≥ 1 and 1 ≤ pageSize ≤ {MaxPageSize}.")]);
        }

        var caller = http.GetCaller();
        var teams = await CallerTeamsAsync(database, caller.Staff, cancellationToken).ConfigureAwait(false);
        var (items, total) = await QueryAsync(
            database, caller, teams, new CaseFilter(school, team, status, kind, overdue), time.GetUtcNow(), page, pageSize, cancellationToken)
            .ConfigureAwait(false);

        // The children a list names are audited like any read of their data; if the audit cannot be written, nothing is shown.
        var audit = http.RequestServices.GetRequiredService<IAuditLog>();
        await audit.RecordChildrenAsync(
            http, items.Where(i => i.ChildKey is not null).Select(i => new Domain.Identity.PseudonymousKey(i.ChildKey!)), AuditAction.List, "case list")
            .ConfigureAwait(false);
        return TypedResults.Ok(new CasePage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<CaseState>, ProblemHttpResult>> GetAsync(
        string caseId, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var state = await LoadVisibleCaseAsync(caseId, http, actors, AuditAction.Read, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return ApiProblems.NotFound("case");
        }

        // Timeline entries restricted to one agency are shown to that agency only.
        var caller = http.GetCaller();
        var agency = caller.Agency;

        // Protected identity: the school is shown to the case team only.
        var teams = state.ProtectedIdentity ? await CallerTeamsAsync(database, caller.Staff, cancellationToken).ConfigureAwait(false) : [];
        var school = state.ProtectedIdentity && !state.IsParticipant(new ActingStaff(caller.Staff, caller.Agency) { Teams = [.. teams.Select(t => new TeamId(t))] })
            ? null
            : state.School;
        return TypedResults.Ok(state with { School = school, Timeline = [.. state.Timeline.Where(t => t.RestrictedTo is null || t.RestrictedTo == agency)] });
    }

    private static Task<Results<Ok, ProblemHttpResult>> AcknowledgeAsync(
        string caseId, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        CommandAsync(caseId, http, actors, database, by => new AcknowledgeCase(by), "ack", cancellationToken);

    private static Task<Results<Ok, ProblemHttpResult>> TransitionAsync(
        string caseId, TransitionRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        request.To is not { } to
            ? Task.FromResult<Results<Ok, ProblemHttpResult>>(ApiProblems.Invalid([new Domain.Common.FieldError("to", "Required", "to is the status to move to.")]))
            : CommandAsync(caseId, http, actors, database, by => new TransitionCase(to, by, request.Reason, request.Note), "transition", cancellationToken);

    private static Task<Results<Ok, ProblemHttpResult>> DecisionNotToActAsync(
        string caseId, DecisionNotToActRequest request, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(request.Reason)
            ? Task.FromResult<Results<Ok, ProblemHttpResult>>(ApiProblems.Invalid([new Domain.Common.FieldError("reason", "Required", "A decision not to act needs its reason.")]))
            : CommandAsync(caseId, http, actors, database, by => new RecordCaseDecisionNotToAct(by, request.Reason!), "not-to-act", cancellationToken);

    private static async Task<Results<Ok, ProblemHttpResult>> CommandAsync(
        string caseId, HttpContext http, IActorClient actors, NpgsqlDataSource database, Func<ActingStaff, object> command, string scope, CancellationToken cancellationToken)
    {
        if (await LoadVisibleCaseAsync(caseId, http, actors, AuditAction.Write, cancellationToken).ConfigureAwait(false) is null)
        {
            return ApiProblems.NotFound("case");
        }

        var caller = http.GetCaller();
        var teams = await CallerTeamsAsync(database, caller.Staff, cancellationToken).ConfigureAwait(false);
        var by = new ActingStaff(caller.Staff, caller.Agency) { Teams = [.. teams.Select(t => new TeamId(t))] };
        var (_, problem) = await ActorCalls.CommandAsync(
            actors, CoordinationActors.CaseOf(new CaseId(caseId)), command(by), ActorCalls.IdempotencyKey(http, $"case-{scope}:{caseId}"), cancellationToken)
            .ConfigureAwait(false);
        return problem is null ? TypedResults.Ok() : problem;
    }

    /// <summary>
    /// The cases <paramref name="caller"/> may see (need-to-know, see <see cref="ListSql"/>), newest first, with the total;
    /// the child's key only where the caller may see the child. Used by the list endpoint and the dashboard, which audit
    /// the children they show.
    /// </summary>
    internal static async Task<(List<CaseSummary> Items, long Total)> QueryAsync(
        NpgsqlDataSource database, Caller caller, ImmutableArray<string> teams, CaseFilter filter, DateTimeOffset now, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(ListSql);
        object?[] parameters =
        [
            caller.Municipality.Value, caller.Staff.Value, teams.ToArray(), caller.Organisation.Value, caller.IsCoordinator,
            filter.School, filter.Team, filter.Status?.ToString(), filter.Kind?.ToString(), filter.Overdue, now, pageSize, (page - 1) * pageSize,
        ];
        foreach (var value in parameters)
        {
            command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } : new NpgsqlParameter { Value = value });
        }

        var items = new List<CaseSummary>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new CaseSummary(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetBoolean(9),
                reader.GetInt32(10),
                reader.GetFieldValue<string[]>(11)));
            total = reader.GetInt64(12);
        }

        return (items, total);
    }

    /// <summary>
    /// The case, when the caller may see it (need-to-know, see <see cref="IChildAccess"/>); the access is audited under the
    /// case's child. Otherwise a <see cref="ChildNotFoundException"/>: 404, as if missing.
    /// </summary>
    private static async Task<CaseState?> LoadVisibleCaseAsync(
        string caseId, HttpContext http, IActorClient actors, AuditAction action, CancellationToken cancellationToken)
    {
        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        await access.RequireCaseAsync(http, caseId, action, "case work").ConfigureAwait(false);
        var state = await actors.AskAsync<CaseState>(CoordinationActors.CaseOf(new CaseId(caseId)), new GetCase(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return state?.Municipality?.Value == http.GetCaller().Municipality.Value ? state : null;
    }

    internal static async Task<ImmutableArray<string>> CallerTeamsAsync(NpgsqlDataSource database, StaffId staff, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select team_id from coord_teams where members @> array[$1]");
        command.Parameters.Add(new NpgsqlParameter { Value = staff.Value });
        var teams = ImmutableArray.CreateBuilder<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            teams.Add(reader.GetString(0));
        }

        return teams.ToImmutable();
    }
}
