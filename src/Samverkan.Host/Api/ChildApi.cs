using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Children;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>A child's overview: absence over time, concerns, watch, open cases. Only for those related to the child, audited.</summary>
public static class ChildApi
{
    public static RouteGroupBuilder MapChildApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/children").WithTags("Children").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/{childKey}/overview", GetOverviewAsync).WithName("GetChildOverview");
        return group;
    }

    private static async Task<Results<Ok<ChildOverview>, ProblemHttpResult>> GetOverviewAsync(
        string childKey, HttpContext http, IChildAccess access, IActorClient actors, CancellationToken cancellationToken)
    {
        // Not related, other municipality or unknown: 404 alike. Allowed: the read is audited before anything is shown.
        var decision = await access.RequireChildAsync(http, childKey, AuditAction.Read, "child overview").ConfigureAwait(false);
        var options = new OverviewOptions
        {
            IncludeConcernSummaries = decision.MaySee(InformationCategory.Concerns),
            IncludeReporters = decision.MayShowReporter,
            RevealProtectedDetails = decision.MayShowLocation,
        };
        var overview = await actors.AskAsync<ChildOverview>(
            CoordinationActors.ChildOf(decision.Child!.Value), new GetChildOverview(options), cancellationToken: cancellationToken).ConfigureAwait(false);
        return overview is null ? ApiProblems.NotFound("child") : TypedResults.Ok(overview);
    }
}
