using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Organisation;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A child as the roster knows it. The identity number, if given, only derives the key.</summary>
public sealed record ChildRosterItem(
    ChildReference? Child,
    string? HomeMunicipality,
    ImmutableArray<Enrolment> Enrolments,
    NamedPerson? NamedPerson,
    ImmutableArray<GuardianRef> Guardians,
    bool ProtectedIdentity,
    CarePlacement? PlacedInCare);

public sealed record ChildRosterReceipt(string Key);

/// <summary>A roster batch from a school or municipal system; applied in dependency order (staff, teams, schools, children).</summary>
public sealed record RosterBatch(
    IReadOnlyList<Staff>? Staff,
    IReadOnlyList<Team>? Teams,
    IReadOnlyList<School>? Schools,
    IReadOnlyList<ChildRosterItem>? Children);

/// <summary>The outcome of each item of a roster batch.</summary>
public sealed record RosterItemResult(string Kind, int Index, string? Id, bool Ok, string? Code, string? Message);

public sealed record RosterBatchReceipt(int Applied, int Refused, IReadOnlyList<RosterItemResult> Items);

public sealed record MunicipalityRequest(string? Name, string? RegionCode, string? CoordinatorTeam);

public sealed record RulesRequest(ImmutableArray<RuleDefinition> Rules, string? Reason);

public sealed record RuleOverridesRequest(ImmutableArray<RuleOverride> Overrides, string? Reason);

public sealed record RuleVersionView(int Version, string ChangedBy, DateTimeOffset ChangedAt, string Reason, System.Text.Json.JsonElement Rules);

public sealed record RulesView(string Municipality, string? School, IReadOnlyList<RuleVersionView> Versions);

/// <summary>
/// The roster: municipalities (rules, calendar), schools (teams, contact persons, the principal's rule overrides), teams,
/// staff and children. Upserts are idempotent and answered after the owning actor committed them.
/// </summary>
public static partial class RosterApi
{
    public const int MaxRosterItems = 2000;

    private const string OtherMunicipalityMessage = "Roster data of another municipality.";


    public static RouteGroupBuilder MapRosterApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1").WithTags("Roster").RequireAuthorization(SamverkanPolicies.RosterAdmin);
        group.MapPut("/municipalities/{code}", PutMunicipalityAsync).WithName("PutMunicipality");
        group.MapPut("/municipalities/{code}/calendar", PutCalendarAsync).WithName("PutSchoolCalendar");
        group.MapPut("/schools/{schoolId}", PutSchoolAsync).WithName("PutSchool");
        group.MapPut("/teams/{teamId}", PutTeamAsync).WithName("PutTeam");
        group.MapPut("/staff/{staffId}", PutStaffAsync).WithName("PutStaff");
        group.MapPost("/children", PutChildAsync).WithName("PutChild").WithSummary("Adds or updates a child; answers its pseudonymous key.");
        group.MapPost("/roster/batch", PutBatchAsync).WithName("PutRosterBatch")
            .WithSummary($"Upserts up to {MaxRosterItems} staff, teams, schools and children; each item is applied or refused on its own.");

        // Rules are decided by people (the municipality, the principal), never by a feed.
        var rules = app.MapGroup("/api/v1").WithTags("Rules").RequireAuthorization(SamverkanPolicies.Staff);
        rules.MapGet("/municipalities/{code}/rules", GetRulesAsync).WithName("GetMunicipalityRules");
        rules.MapPut("/municipalities/{code}/rules", PutMunicipalityRulesAsync).WithName("PutMunicipalityRules");
        rules.MapGet("/schools/{schoolId}/rules", GetSchoolRulesAsync).WithName("GetSchoolRules");
        rules.MapPut("/schools/{schoolId}/rules", PutSchoolRulesAsync).WithName("PutSchoolRules");
        return group;
    }

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutMunicipalityAsync(
        string code, MunicipalityRequest request, HttpContext http, IGrainFactory grains)
    {
        if (http.GetCaller().Municipality.Value != code)
        {
            return OtherMunicipality();
        }

        if (string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrWhiteSpace(request.RegionCode))
        {
            return ApiProblems.Invalid([new FieldError("name", "Required", "A municipality needs a code, a name and a region code.")]);
        }

        var command = new UpsertMunicipality(
            new Municipality(new MunicipalityCode(code), request.Name, request.RegionCode),
            StringIds.IsValid(request.CoordinatorTeam) ? new TeamId(request.CoordinatorTeam!) : null);
        return await GrainCalls.ResultAsync(http, () => grains.Municipality(new MunicipalityCode(code)).UpsertAsync(command)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutCalendarAsync(
        string code, SchoolCalendarDefinition calendar, HttpContext http, IGrainFactory grains) =>
        http.GetCaller().Municipality.Value != code
            ? OtherMunicipality()
            : await GrainCalls.ResultAsync(http, () => grains.Municipality(new MunicipalityCode(code)).SetCalendarAsync(new SetSchoolCalendar(calendar))).ConfigureAwait(false);

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutSchoolAsync(
        string schoolId, School school, HttpContext http, WriteScope scope, IGrainFactory grains, CancellationToken cancellationToken) =>
        school.Id.Value != schoolId
            ? ApiProblems.Invalid([new FieldError("id", "Mismatch", "The school's id must match the path.")])
            : !await scope.MayWriteSchoolAsync(http.GetCaller(), school, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipality()
            : await GrainCalls.ResultAsync(http, () => grains.School(school.Id).UpsertAsync(new UpsertSchool(school))).ConfigureAwait(false);

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutTeamAsync(
        string teamId, Team team, HttpContext http, WriteScope scope, IActorClient actors, CancellationToken cancellationToken) =>
        team.Id.Value != teamId
            ? ApiProblems.Invalid([new FieldError("id", "Mismatch", "The team's id must match the path.")])
            : !await scope.MayWriteTeamAsync(http.GetCaller(), team, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipality()
            : await SendAsync(actors, CoordinationActors.TeamOf(team.Id), new UpsertTeam(team), cancellationToken).ConfigureAwait(false);

    /// <summary>403: a roster entry of another municipality (or region), or one that would be moved out of it.</summary>
    internal static ProblemHttpResult OtherMunicipality() =>
        TypedResults.Problem(
            title: "Roster data of another municipality",
            detail: "Municipalities, schools, teams, staff and enrolments are written by their own municipality's systems and administrators (a regional team by its region's).",
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?> { ["code"] = WriteScope.OtherMunicipalityCode });

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutStaffAsync(
        string staffId, Staff staff, HttpContext http, WriteScope scope, IActorClient actors, CancellationToken cancellationToken) =>
        staff.Id.Value != staffId
            ? ApiProblems.Invalid([new FieldError("id", "Mismatch", "The staff member's id must match the path.")])
            : !await scope.MayWriteStaffAsync(http.GetCaller(), staff.Id, staff.Organisation, cancellationToken).ConfigureAwait(false)
            ? OtherMunicipality()
            : await SendAsync(actors, CoordinationActors.StaffOf(staff.Id), new UpsertStaff(staff), cancellationToken).ConfigureAwait(false);

    private static async Task<Results<Ok<ChildRosterReceipt>, ProblemHttpResult>> PutChildAsync(
        ChildRosterItem item, ChildIdentity identity, HttpContext http, WriteScope scope, IActorClient actors, CancellationToken cancellationToken)
    {
        var (key, error) = identity.Resolve(item.Child, "child");
        if (error is not null || key is null)
        {
            return ApiProblems.Invalid([error!]);
        }

        if (!StringIds.IsValid(item.HomeMunicipality))
        {
            return ApiProblems.Invalid([new FieldError("homeMunicipality", "Required", "homeMunicipality is required.")]);
        }

        var caller = http.GetCaller();
        if (!await scope.MayEnrolAtAsync(caller, item.Enrolments, cancellationToken).ConfigureAwait(false))
        {
            return OtherMunicipality();
        }

        var command = new UpsertChild(ToProfile(item, key.Value), caller.Municipality);
        var (_, problem) = await ActorCalls.CommandAsync(actors, CoordinationActors.ChildOf(key.Value), command, null, cancellationToken).ConfigureAwait(false);
        return problem is null ? TypedResults.Ok(new ChildRosterReceipt(key.Value.Value)) : problem;
    }

    /// <summary>
    /// Upserts are idempotent, so a roster batch is applied item by item (staff, teams, schools, then children, so
    /// references resolve) and each item's outcome is answered; a refused item changes nothing and can be resent.
    /// </summary>
    private static async Task<Results<Ok<RosterBatchReceipt>, ProblemHttpResult>> PutBatchAsync(
        RosterBatch batch, ChildIdentity identity, HttpContext http, WriteScope scope, IActorClient actors, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        var count = (batch.Staff?.Count ?? 0) + (batch.Teams?.Count ?? 0) + (batch.Schools?.Count ?? 0) + (batch.Children?.Count ?? 0);
        if (count == 0)
        {
            return ApiProblems.Invalid([new FieldError("staff", "Required", "The batch holds no staff, teams, schools or children.")]);
        }

        if (count > MaxRosterItems)
        {
            return ApiProblems.TooMany("items", "roster items", MaxRosterItems);
        }

        var results = new List<RosterItemResult>(count);
        await ApplyAsync(
            "staff", batch.Staff, s => s.Id.Value, s => Ask(CoordinationActors.StaffOf(s.Id), new UpsertStaff(s)),
            s => scope.MayWriteStaffAsync(caller, s.Id, s.Organisation, cancellationToken)).ConfigureAwait(false);
        await ApplyAsync(
            "team", batch.Teams, t => t.Id.Value, t => Ask(CoordinationActors.TeamOf(t.Id), new UpsertTeam(t)),
            t => scope.MayWriteTeamAsync(caller, t, cancellationToken)).ConfigureAwait(false);
        await ApplyAsync(
            "school", batch.Schools, s => s.Id.Value, s => () => grains.School(s.Id).UpsertAsync(new UpsertSchool(s)),
            s => scope.MayWriteSchoolAsync(caller, s, cancellationToken)).ConfigureAwait(false);
        for (var i = 0; i < (batch.Children?.Count ?? 0); i++)
        {
            var item = batch.Children![i];
            var (key, error) = identity.Resolve(item.Child, $"children[{i}].child");
            if (key is null || !StringIds.IsValid(item.HomeMunicipality))
            {
                results.Add(new RosterItemResult("child", i, null, false, error?.Code ?? "Required", error?.Message ?? "homeMunicipality is required."));
                continue;
            }

            if (!await scope.MayEnrolAtAsync(caller, item.Enrolments, cancellationToken).ConfigureAwait(false))
            {
                results.Add(new RosterItemResult("child", i, key.Value.Value, false, WriteScope.OtherMunicipalityCode, OtherMunicipalityMessage));
                continue;
            }

            var command = new UpsertChild(ToProfile(item, key.Value), caller.Municipality);
            var (result, problem) = await ActorCalls.CommandAsync(actors, CoordinationActors.ChildOf(key.Value), command, null, cancellationToken).ConfigureAwait(false);
            results.Add(new RosterItemResult("child", i, key.Value.Value, problem is null, result?.Code, result?.Message));
        }

        var refused = results.Count(r => !r.Ok);
        return TypedResults.Ok(new RosterBatchReceipt(results.Count - refused, refused, results));

        async Task ApplyAsync<T>(
            string kind, IReadOnlyList<T>? items, Func<T, string> id, Func<T, Func<Task<CommandResult>>> command, Func<T, Task<bool>>? mayWrite)
        {
            // Items of one kind are independent: ask them together (their sends share commits).
            var outcomes = await Task.WhenAll((items ?? []).Select(async (item, index) =>
            {
                if (item is null)
                {
                    return new RosterItemResult(kind, index, null, false, "Required", "The item is empty.");
                }

                if (mayWrite is not null && !await mayWrite(item).ConfigureAwait(false))
                {
                    return new RosterItemResult(kind, index, id(item), false, WriteScope.OtherMunicipalityCode, OtherMunicipalityMessage);
                }

                var (result, problem) = await GrainCalls.CommandAsync(command(item)).ConfigureAwait(false);
                return result is null
                    ? new RosterItemResult(kind, index, id(item), false, UnavailableCode, "Not stored: send the item again.")
                    : new RosterItemResult(kind, index, id(item), problem is null, result.Code, result.Message);
            })).ConfigureAwait(false);
            results.AddRange(outcomes);
        }

        Func<Task<CommandResult>> Ask(ActorId target, object message) => async () =>
            await actors.AskAsync<CommandResult>(target, message, cancellationToken: cancellationToken).ConfigureAwait(false)
            ?? throw new ActorTimeoutException("The actor gave no reply.");
    }

    private static Child ToProfile(ChildRosterItem item, Domain.Identity.PseudonymousKey key) => new()
    {
        Key = key,
        HomeMunicipality = new MunicipalityCode(item.HomeMunicipality!),
        Enrolments = item.Enrolments.IsDefault ? [] : item.Enrolments,
        NamedPerson = item.NamedPerson,
        Guardians = item.Guardians.IsDefault ? [] : item.Guardians,
        ProtectedIdentity = item.ProtectedIdentity,
        PlacedInCare = item.PlacedInCare,
    };

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutMunicipalityRulesAsync(
        string code, RulesRequest request, HttpContext http, IGrainFactory grains)
    {
        var caller = http.GetCaller();
        if (!StringIds.IsValid(code) || caller.Municipality.Value != code)
        {
            return ApiProblems.NotFound("municipality");
        }

        if (!caller.IsCoordinator)
        {
            return TypedResults.Problem(title: "Only the municipality's coordinators change its rules", statusCode: StatusCodes.Status403Forbidden);
        }

        var command = new ChangeMunicipalityRules(request.Rules.IsDefault ? [] : request.Rules, caller.Staff, request.Reason ?? "");
        return await GrainCalls.ResultAsync(http, () => grains.Municipality(new MunicipalityCode(code)).ChangeRulesAsync(command)).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> PutSchoolRulesAsync(
        string schoolId, RuleOverridesRequest request, HttpContext http, IGrainFactory grains, WriteScope scope, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!StringIds.IsValid(schoolId) || await scope.SchoolMunicipalityAsync(schoolId, cancellationToken).ConfigureAwait(false) != caller.Municipality.Value)
        {
            return ApiProblems.NotFound("school");
        }

        if (!caller.Roles.Contains(StaffRole.Principal) && !caller.IsCoordinator)
        {
            return TypedResults.Problem(title: "Only the principal sets a school's thresholds", statusCode: StatusCodes.Status403Forbidden);
        }

        var command = new ChangeSchoolRules(request.Overrides.IsDefault ? [] : request.Overrides, caller.Staff, request.Reason ?? "");
        return await GrainCalls.ResultAsync(http, () => grains.School(new SchoolId(schoolId)).ChangeRulesAsync(command)).ConfigureAwait(false);
    }

    private static Task<Results<Ok<RulesView>, ProblemHttpResult>> GetRulesAsync(string code, HttpContext http, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        http.GetCaller().Municipality.Value != code
            ? Task.FromResult<Results<Ok<RulesView>, ProblemHttpResult>>(ApiProblems.NotFound("municipality"))
            : ReadRulesAsync(database, code, null, cancellationToken);

    private static async Task<Results<Ok<RulesView>, ProblemHttpResult>> GetSchoolRulesAsync(
        string schoolId, HttpContext http, NpgsqlDataSource database, WriteScope scope, CancellationToken cancellationToken)
    {
        var municipality = StringIds.IsValid(schoolId) ? await scope.SchoolMunicipalityAsync(schoolId, cancellationToken).ConfigureAwait(false) : null;
        return municipality is null || municipality != http.GetCaller().Municipality.Value
            ? ApiProblems.NotFound("school")
            : await ReadRulesAsync(database, municipality, schoolId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<RulesView>, ProblemHttpResult>> ReadRulesAsync(
        NpgsqlDataSource database, string municipality, string? school, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            select version, changed_by, changed_at, reason, rules::text from coord_rule_changes
             where municipality = $1 and school_id is not distinct from $2 order by version desc
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = municipality });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)school ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var versions = new List<RuleVersionView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var rules = System.Text.Json.JsonDocument.Parse(reader.GetString(4));
            versions.Add(new RuleVersionView(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), rules.RootElement.Clone()));
        }

        return TypedResults.Ok(new RulesView(municipality, school, versions));
    }

    private static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> SendAsync(IActorClient actors, ActorId target, object command, CancellationToken cancellationToken)
    {
        var (result, problem) = await ActorCalls.CommandAsync(actors, target, command, null, cancellationToken).ConfigureAwait(false);
        return problem is null ? TypedResults.Ok(result!) : problem;
    }
}
