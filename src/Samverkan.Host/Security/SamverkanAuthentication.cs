namespace Samverkan.Host.Security;

/// <summary>The authentication schemes: bearer tokens for the API, a cookie session for the dashboard, and the policy scheme that picks one.</summary>
public static class SamverkanAuthentication
{
    /// <summary>The default scheme: a bearer token when the request has one, else the session cookie when present, else bearer (so a challenge is a 401).</summary>
    public const string Scheme = "Samverkan";

    /// <summary>JWT bearer tokens from the region's identity provider (and, in Development, from the demo issuer).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The dashboard's session cookie (set by the OpenID Connect sign-in, or in Development the demo sign-in).</summary>
    public const string CookieScheme = "SamverkanCookie";

    /// <summary>The dashboard's sign-in through the region's OpenID Connect provider (when configured).</summary>
    public const string OpenIdConnectScheme = "SamverkanOidc";

    /// <summary>The audience of demo tokens when <c>Samverkan:Authentication:Audience</c> is not set (Development only).</summary>
    public const string DefaultAudience = "samverkan";

    /// <summary>The signing algorithms accepted: asymmetric only (no shared secrets, never <c>none</c>).</summary>
    internal static readonly string[] Algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
}
