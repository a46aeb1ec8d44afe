using Samverkan.Domain.Common;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Samverkan.Host.Security;

/// <summary>
/// The dashboard's sign-in and sign-out. <c>GET /signin</c> (optional <c>returnUrl</c>) sends the browser to the
/// region's OpenID Connect provider (in Development without one: to the demo sign-in); <c>POST /signout</c> ends the
/// session here and, for a session from the provider, at the provider; <c>GET /signed-out</c> says so. In Development
/// only, <c>POST /signin</c> (form field <c>token</c>, optional <c>returnUrl</c>) makes a session from a bearer token that
/// passes exactly the bearer scheme's validation (the demo sign-in uses the same path). People only: a feed gets no session.
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>The claims a session keeps (the token's own bookkeeping claims are dropped).</summary>
    private static readonly HashSet<string> SessionClaims = new(StringComparer.Ordinal)
    {
        SamverkanClaims.Subject, SamverkanClaims.Organisation, SamverkanClaims.Municipality, SamverkanClaims.Agency,
        SamverkanClaims.Roles, SamverkanClaims.Region, SamverkanClaims.Scope, SamverkanClaims.AssuranceLevel, "name",
    };

    public static void Map(IEndpointRouteBuilder endpoints, bool development)
    {
        endpoints.MapGet("/signin", ChallengeAsync).AllowAnonymous().ExcludeFromDescription();
        if (development)
        {
            // The token-posting form outside Development is gone: people sign in through the identity provider.
            endpoints.MapPost("/signin", SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        }

        endpoints.MapPost("/signout", SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        endpoints.MapGet(OpenIdConnectSignInSetup.SignedOutPath, SignedOutAsync).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>True when the dashboard signs in through the region's OpenID Connect provider.</summary>
    internal static async Task<bool> HasOpenIdConnectAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>()
            .GetSchemeAsync(SamverkanAuthentication.OpenIdConnectScheme).ConfigureAwait(false) is not null;

    private static Task ChallengeAsync(HttpContext context) =>
        StartSignInAsync(context, context.Request.Query["returnUrl"].ToString(), System.Net.HttpStatusCode.NotFound);

    /// <summary>
    /// Starts a sign-in that comes back to <paramref name="returnUrl"/> (local URLs only): to the identity provider, or in
    /// Development without one to the demo sign-in; with neither a page that says so, with status <paramref name="unavailable"/>.
    /// </summary>
    internal static async Task StartSignInAsync(HttpContext context, string? returnUrl, System.Net.HttpStatusCode unavailable)
    {
        returnUrl = IsLocalUrl(returnUrl) ? returnUrl! : "/";
        if (await HasOpenIdConnectAsync(context).ConfigureAwait(false))
        {
            await context.ChallengeAsync(SamverkanAuthentication.OpenIdConnectScheme, new AuthenticationProperties { RedirectUri = returnUrl })
                .ConfigureAwait(false);
            return;
        }

        if (context.RequestServices.GetService<DevelopmentTokenIssuer>() is not null)
        {
            context.Response.Redirect("/dev/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
            return;
        }

        await SignInPages.WriteAsync(context, unavailable, "signin-unavailable",
            "Logga in", "Ingen inloggningstjänst är inställd för Samverkan. Kontakta din organisations IT-stöd.",
            "No sign-in service is configured for Samverkan. Contact your organisation's IT support.", null).ConfigureAwait(false);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        if (IsCrossSite(context))
        {
            return;
        }

        if (!context.Request.HasFormContentType)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Bad request",
                "Post the token as the form field 'token' (application/x-www-form-urlencoded).").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        await StartSessionAsync(context, form["token"].ToString(), form["returnUrl"].ToString()).ConfigureAwait(false);
    }

    /// <summary>Validates <paramref name="token"/> as the bearer scheme does and, for a person, sets the session cookie.</summary>
    internal static async Task StartSessionAsync(HttpContext context, string token, string? returnUrl)
    {
        var principal = await ValidateAsync(context, token).ConfigureAwait(false);
        if (principal is null || !CallerClaims.TryRead(principal.Value.Principal, out var caller) || caller.IsFeed)
        {
            await SecurityProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign-in refused",
                "The token was not accepted for a session.").ConfigureAwait(false);
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<SamverkanAuthenticationOptions>>().Value;
        var time = context.RequestServices.GetRequiredService<ServiceClock>();
        var identity = new ClaimsIdentity(
            principal.Value.Principal.Claims.Where(c => SessionClaims.Contains(c.Type)).Select(c => new Claim(c.Type, c.Value)),
            SamverkanAuthentication.CookieScheme, SamverkanClaims.Subject, SamverkanClaims.Roles);
        var latest = time.GetUtcNow() + options.MaxSessionLifetime;
        var expires = principal.Value.Expires is { } tokenExpiry && tokenExpiry < latest ? tokenExpiry : latest;
        await context.SignInAsync(SamverkanAuthentication.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties
        {
            IsPersistent = false,
            AllowRefresh = false,
            IssuedUtc = time.GetUtcNow(),
            ExpiresUtc = expires,
        }).ConfigureAwait(false);
        SecurityLog.SessionStarted(context.RequestServices.GetRequiredService<ILogger<JwtBearerSetup>>(), caller.Agency.ToString());
        Finish(context, returnUrl);
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        if (IsCrossSite(context))
        {
            return;
        }

        var returnUrl = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))["returnUrl"].ToString()
            : null;

        // A session from the identity provider keeps its id token: with it the provider's session ends too.
        var idToken = await HasOpenIdConnectAsync(context).ConfigureAwait(false)
            ? await context.GetTokenAsync(SamverkanAuthentication.CookieScheme, OpenIdConnectParameterNames.IdToken).ConfigureAwait(false)
            : null;
        await context.SignOutAsync(SamverkanAuthentication.CookieScheme).ConfigureAwait(false);
        var logger = context.RequestServices.GetRequiredService<ILogger<JwtBearerSetup>>();
        SecurityLog.SessionEnded(logger, idToken is not null);
        if (idToken is not null)
        {
            // To the provider's end_session_endpoint (id_token_hint, post_logout_redirect_uri), back to /signed-out.
            OpenIdConnectSignInSetup.RememberIdTokenForSignOut(context, idToken);
            await context.SignOutAsync(SamverkanAuthentication.OpenIdConnectScheme,
                new AuthenticationProperties { RedirectUri = OpenIdConnectSignInSetup.SignedOutPath }).ConfigureAwait(false);
            return;
        }

        Finish(context, returnUrl);
    }

    /// <summary>After the provider's sign-out: the person is signed out, with a way to sign in again.</summary>
    private static Task SignedOutAsync(HttpContext context) =>
        SignInPages.WriteAsync(context, System.Net.HttpStatusCode.OK, "signed-out",
            "Du har loggat ut", "Du är utloggad från Samverkan och från inloggningstjänsten.",
            "You are signed out of Samverkan and of the sign-in service.", ("Logga in igen", "/signin"));

    /// <summary>A local return URL gets a 303 to it; anything else 204 (no open redirect).</summary>
    private static void Finish(HttpContext context, string? returnUrl)
    {
        if (IsLocalUrl(returnUrl))
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = returnUrl;
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }

    internal static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("\\", StringComparison.Ordinal) && !url.Any(char.IsControl);

    /// <summary>A browser's cross-site form post (login CSRF) is refused with 403; other clients send no such headers.</summary>
    private static bool IsCrossSite(HttpContext context)
    {
        var request = context.Request;
        var crossSite = string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase);
        var origin = request.Headers.Origin.ToString();
        if (!crossSite && origin.Length > 0 && !string.Equals(origin, "null", StringComparison.Ordinal))
        {
            crossSite = !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        }

        if (crossSite)
        {
            SecurityLog.CrossSiteSignInRefused(context.RequestServices.GetRequiredService<ILogger<JwtBearerSetup>>());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }

        return crossSite;
    }

    /// <summary>The bearer scheme's own validation (parameters, keys from the JWKS URL, handlers) and the Samverkan token rules.</summary>
    private static async Task<(ClaimsPrincipal Principal, DateTimeOffset? Expires)?> ValidateAsync(HttpContext context, string token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 16 * 1024)
        {
            return null;
        }

        var bearer = context.RequestServices.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(SamverkanAuthentication.BearerScheme);
        var parameters = bearer.TokenValidationParameters.Clone();
        if (bearer.ConfigurationManager is BaseConfigurationManager configurationManager)
        {
            parameters.ConfigurationManager = configurationManager;
        }

        foreach (var handler in bearer.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
            if (!result.IsValid)
            {
                continue;
            }

            var principal = new ClaimsPrincipal(result.ClaimsIdentity);
            var options = context.RequestServices.GetRequiredService<IOptions<SamverkanAuthenticationOptions>>().Value;
            if (TokenRules.Check(principal, options) is not null)
            {
                return null;
            }

            DateTimeOffset? expires = result.SecurityToken?.ValidTo is { } validTo && validTo > DateTime.MinValue
                ? new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc))
                : null;
            return (principal, expires);
        }

        return null;
    }
}
