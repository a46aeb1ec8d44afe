using Microsoft.AspNetCore.Authorization;

namespace Samverkan.Host.Security;

/// <summary>
/// The fallback policy's requirement (for endpoints without a policy of their own): an authenticated caller, except
/// for health checks and the OpenAPI document. A request that matched no endpoint needs a caller under <c>/api/</c>
/// (so nothing there answers anonymously, not even a 404) and passes elsewhere, to be answered 404.
/// </summary>
internal sealed class PublicOrAuthenticatedRequirement : AuthorizationHandler<PublicOrAuthenticatedRequirement>, IAuthorizationRequirement
{
    /// <summary>The display name of the endpoint routing answers 405 with (ASP.NET Core's HttpMethodMatcherPolicy).</summary>
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    private static readonly string[] PublicPrefixes = ["/health/", "/openapi/"];

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PublicOrAuthenticatedRequirement requirement)
    {
        if (context.User.Identity is { IsAuthenticated: true } || (context.Resource is HttpContext http && IsPublic(http)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool IsPublic(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (PublicPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return IsUnmatched(context.GetEndpoint()) && !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(path, "/api", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// No endpoint, or routing's own answer for a path that only other methods match (the dashboard's static-file
    /// fallback matches every GET path with a file name, so any POST would otherwise need a caller).
    /// </summary>
    private static bool IsUnmatched(Endpoint? endpoint) =>
        endpoint is null || string.Equals(endpoint.DisplayName, MethodNotAllowedEndpoint, StringComparison.Ordinal);
}
