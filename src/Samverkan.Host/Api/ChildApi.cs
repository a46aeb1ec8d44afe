using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Children;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A child's overview: absence over time, concerns, watch, open cases. Only for those related to the child.</summary>
public static class ChildApi
{
    // Related: the named person, staff of the organisation running the child's current school, the school's social-services
    // contact persons, or a participant (in person or through a team) of one of the child's cases. Same municipality only.
    private const string RelationSql = """
        select coalesce(c.named_person = $2, false) as named_person,
               coalesce(s.organisation = $3, false) as school_staff,
               coalesce(s.doc -> 'socialServices' -> 'contactPersons' ? $2, false) as contact_person,
               exists (select 1 from coord_cases k
                        where k.child_key = c.child_key
                          and (k.staff @> array[$2] or k.teams && (select coalesce(array_agg(team_id), '{}') from coord_teams where members @> array[$2]))) as participant,
               c.municipality = $4 as same_municipality
          from coord_children c
          left join coord_schools s on s.school_id = c.school_id
         where c.child_key = $1
        """;

    public static RouteGroupBuilder MapChildApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/children").WithTags("Children").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/{childKey}/overview", GetOverviewAsync).WithName("GetChildOverview");
        return group;
    }

    private static async Task<Results<Ok<ChildOverview>, ProblemHttpResult>> GetOverviewAsync(
        string childKey, HttpContext http, NpgsqlDataSource database, IActorClient actors, CancellationToken cancellationToken)
    {
        if (!PseudonymousKey.IsWellFormed(childKey))
        {
            return ApiProblems.NotFound("child");
        }

        var caller = http.GetCaller();
        var relation = await RelationAsync(database, caller, childKey, cancellationToken).ConfigureAwait(false);
        if (relation is null)
        {
            return ApiProblems.NotFound("child");
        }

        // Concern summaries cross to social services and case participants; reporters are shown to social services only.
        var options = new OverviewOptions
        {
            IncludeConcernSummaries = caller.Agency == Agency.SocialServices || relation.Value.Participant,
            IncludeReporters = caller.Agency == Agency.SocialServices,
            RevealProtectedDetails = relation.Value.Participant,
        };
        var overview = await actors.AskAsync<ChildOverview>(
            CoordinationActors.ChildOf(new PseudonymousKey(childKey)), new GetChildOverview(options), cancellationToken: cancellationToken).ConfigureAwait(false);
        return overview is null ? ApiProblems.NotFound("child") : TypedResults.Ok(overview);
    }

    private static async Task<(bool NamedPerson, bool SchoolStaff, bool ContactPerson, bool Participant)?> RelationAsync(
        NpgsqlDataSource database, Caller caller, string childKey, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(RelationSql);
        command.Parameters.Add(new NpgsqlParameter { Value = childKey });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Staff.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Organisation.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Municipality.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || !reader.GetBoolean(4))
        {
            return null;
        }

        var relation = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3));
        return relation is (false, false, false, false) ? null : relation;
    }
}
