using Orleans.Dashboard;
using Samverkan.Host.Security;

namespace Samverkan.Host.Silo;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) for the deployment's operators, at <see cref="Path"/>: silos,
/// membership, activations and call rates per grain type, and the runtime's counters. Operators run the service; they
/// have no relation to any child, so the parts that would show a child's data are closed: grain state (a child's or
/// case's record) and the reminder list (grain keys are children's pseudonymous keys) answer 404, and the live log
/// stream is off (<see cref="DashboardOptions.HideTrace"/>).
/// </summary>
public static class SiloDashboard
{
    public const string Path = "/operations/orleans";

    /// <summary>The dashboard's routes that would show what a grain holds or which grains exist.</summary>
    private static readonly string[] Closed = ["/GrainState", "/Reminders", "/Trace"];

    public static IEndpointRouteBuilder MapSiloDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOrleansDashboard(Path)
            .RequireAuthorization(SamverkanPolicies.Operator)
            .ExcludeFromDescription()
            .AddEndpointFilter(async (context, next) => IsClosed(context.HttpContext.GetEndpoint())
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                    detail: "The operators' dashboard does not show grain state, reminders or logs: they hold children's data.")
                : await next(context).ConfigureAwait(false));
        return endpoints;
    }

    private static bool IsClosed(Endpoint? endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { } pattern }
        && Closed.Any(route => pattern.Contains(Path + route, StringComparison.OrdinalIgnoreCase));
}
