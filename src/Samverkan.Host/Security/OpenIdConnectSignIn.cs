using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Samverkan.Domain.Common;

namespace Samverkan.Host.Security;

/// <summary>
/// The dashboard's sign-in through the region's OpenID Connect provider: authorization code flow with PKCE (query
/// response mode), endpoints and keys from the discovery document, claims read from the configured claim names into
/// Samverkan's own, the minimum assurance level enforced (one step-up with <c>acr_values</c>, then a refusal page), and
/// the session cookie set exactly as the other sign-ins set it (not sliding, at most <c>MaxSessionLifetime</c>).
/// </summary>
internal sealed class OpenIdConnectSignInSetup(
    IOptions<SamverkanAuthenticationOptions> options,
    ServiceClock clock,
    IHostEnvironment environment) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    /// <summary>Set on the properties of a step-up challenge: the <c>acr_values</c> asked for.</summary>
    internal const string StepUpItem = "samverkan.stepup";

    private const string AssuranceItem = "samverkan.acr";
    private const string IdTokenItem = "samverkan.id_token";

    /// <summary>Where the provider's sign-out comes back to: a page that says the person is signed out.</summary>
    internal const string SignedOutPath = "/signed-out";

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions oidc)
    {
        if (!string.Equals(name, SamverkanAuthentication.OpenIdConnectScheme, StringComparison.Ordinal))
        {
            return;
        }

        var settings = options.Value.OpenIdConnect;
        var production = environment.IsProduction();
        oidc.Authority = settings.Authority;
        if (!string.IsNullOrWhiteSpace(settings.MetadataAddress))
        {
            oidc.MetadataAddress = settings.MetadataAddress;
        }

        // Plain http only to a loopback provider outside Production (the options validation says the same).
        var metadata = new Uri(settings.MetadataAddress ?? settings.Authority!);
        oidc.RequireHttpsMetadata = production || !metadata.IsLoopback;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.UsePkce = true;
        oidc.Scope.Clear();
        foreach (var scope in settings.EffectiveScopes)
        {
            oidc.Scope.Add(scope);
        }

        oidc.CallbackPath = settings.CallbackPath;
        oidc.SignedOutCallbackPath = settings.SignedOutCallbackPath;
        oidc.SignedOutRedirectUri = SignedOutPath;
        oidc.SignInScheme = SamverkanAuthentication.CookieScheme;
        oidc.SignOutScheme = SamverkanAuthentication.CookieScheme;
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
        oidc.ClaimActions.Clear();
        oidc.ClaimActions.MapAll();
        oidc.SaveTokens = false;
        oidc.UseTokenLifetime = false;
        oidc.DisableTelemetry = true;
        oidc.TokenValidationParameters.ValidAlgorithms = SamverkanAuthentication.Algorithms;
        oidc.TokenValidationParameters.NameClaimType = SamverkanClaims.Subject;
        oidc.TokenValidationParameters.RoleClaimType = SamverkanClaims.Roles;
        oidc.TokenValidationParameters.ClockSkew = options.Value.ClockSkew;

        // The provider sends the browser back with a top-level GET (query response mode), which carries Lax cookies
        // from another site; the session cookie itself stays Strict.
        foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        }

        oidc.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = context =>
            {
                if (context.Properties.Items.TryGetValue(StepUpItem, out var acrValues) && !string.IsNullOrEmpty(acrValues))
                {
                    context.ProtocolMessage.AcrValues = acrValues;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                // The assurance level is read from the id token only (not from userinfo), and the id token is kept for
                // the sign-out's id_token_hint.
                var acr = context.Principal?.FindFirst(settings.Claims.AssuranceLevel)?.Value;
                context.Properties!.Items[AssuranceItem] = acr;
                context.Properties.Items[IdTokenItem] = context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage.IdToken;
                return Task.CompletedTask;
            },
            OnTicketReceived = OnTicketReceivedAsync,
            OnRemoteFailure = OnRemoteFailureAsync,
            OnRedirectToIdentityProviderForSignOut = context =>
            {
                if (string.IsNullOrEmpty(context.ProtocolMessage.IdTokenHint)
                    && context.HttpContext.Items[IdTokenItem] is string idToken)
                {
                    context.ProtocolMessage.IdTokenHint = idToken;
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Maps the claims, enforces the assurance level (step-up once, then refuse), and starts the session.</summary>
    private async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var settings = options.Value;
        var logger = http.RequestServices.GetRequiredService<ILogger<OpenIdConnectSignInSetup>>();
        var properties = context.Properties ?? new AuthenticationProperties();
        var returnUrl = SignInEndpoints.IsLocalUrl(properties.RedirectUri) ? properties.RedirectUri! : "/";
        properties.Items.TryGetValue(AssuranceItem, out var acr);

        if (!settings.MeetsAssurance(acr))
        {
            if (properties.Items.ContainsKey(StepUpItem))
            {
                SecurityLog.OpenIdConnectSignInRefused(logger, "the assurance level is still below the minimum after a step-up");
                await SignInPages.WriteAsync(http, HttpStatusCode.Forbidden, "signin-too-weak",
                    "Inloggningen räcker inte", "Samverkan kräver en starkare inloggning (tillitsnivå) än den du använde. Logga in igen med en starkare e-legitimation.",
                    "Your sign-in is not strong enough: Samverkan needs a higher assurance level. Sign in again with a stronger e-identification.",
                    ("Logga in igen", "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl))).ConfigureAwait(false);
                return;
            }

            // Back to the provider once, asking for the minimum level or stronger (acr_values).
            SecurityLog.StepUpRequested(logger);
            var stepUp = new AuthenticationProperties { RedirectUri = returnUrl };
            stepUp.Items[StepUpItem] = settings.StepUpAcrValues;
            await http.ChallengeAsync(SamverkanAuthentication.OpenIdConnectScheme, stepUp).ConfigureAwait(false);
            return;
        }

        var identity = MapClaims(context.Principal, settings.OpenIdConnect.Claims, acr!);
        var principal = new ClaimsPrincipal(identity);
        var problem = CallerClaims.Read(principal, out var caller);
        if (problem is null && caller.IsFeed)
        {
            problem = "a feed gets no session";
        }

        if (problem is not null)
        {
            SecurityLog.OpenIdConnectSignInRefused(logger, problem);
            await SignInPages.WriteAsync(http, HttpStatusCode.Forbidden, "signin-refused",
                "Du kan inte logga in i Samverkan", "Ditt konto saknar de uppgifter Samverkan behöver (organisation, kommun, verksamhet). Kontakta din organisations IT-stöd.",
                "Your account lacks what Samverkan needs (organisation, municipality, agency). Contact your organisation's IT support.",
                null).ConfigureAwait(false);
            return;
        }

        var now = clock.GetUtcNow();
        var session = new AuthenticationProperties
        {
            IsPersistent = false,
            AllowRefresh = false,
            IssuedUtc = now,
            ExpiresUtc = now + settings.MaxSessionLifetime,
        };
        if (properties.Items.TryGetValue(IdTokenItem, out var idToken) && !string.IsNullOrEmpty(idToken))
        {
            session.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        }

        await http.SignInAsync(SamverkanAuthentication.CookieScheme, principal, session).ConfigureAwait(false);
        SecurityLog.SessionStarted(logger, caller.Agency.ToString());

        // Not a redirect: a navigation that a redirect from the provider's site starts carries no Strict cookie, so the
        // first page would not see the new session. This page, of our own origin, goes on to the dashboard.
        await SignInPages.WriteContinueAsync(http, returnUrl).ConfigureAwait(false);
    }

    private static async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<OpenIdConnectSignInSetup>>();
        SecurityLog.OpenIdConnectSignInRefused(logger, context.Failure?.GetType().Name ?? "remote failure");
        await SignInPages.WriteAsync(context.HttpContext, HttpStatusCode.BadRequest, "signin-failed",
            "Inloggningen misslyckades", "Inloggningen avbröts eller kunde inte slutföras.",
            "The sign-in was cancelled or could not be completed.",
            ("Försök igen", "/signin")).ConfigureAwait(false);
    }

    /// <summary>Samverkan's claims (<see cref="SamverkanClaims"/>) from the provider's, by the configured names; nothing else is kept.</summary>
    internal static ClaimsIdentity MapClaims(ClaimsPrincipal? source, OpenIdConnectClaimNames names, string acr)
    {
        var claims = new List<Claim>();
        void Single(string from, string to)
        {
            // Every distinct value is kept: two different values of one claim make no caller (CallerClaims refuses them).
            foreach (var value in Values(source, from).Distinct(StringComparer.Ordinal))
            {
                claims.Add(new Claim(to, value));
            }
        }

        Single(names.StaffId, SamverkanClaims.Subject);
        Single(names.Name, "name");
        Single(names.Organisation, SamverkanClaims.Organisation);
        Single(names.Municipality, SamverkanClaims.Municipality);
        Single(names.Agency, SamverkanClaims.Agency);
        Single(names.Region, SamverkanClaims.Region);
        foreach (var role in Values(source, names.Roles).SelectMany(Roles).Distinct(StringComparer.Ordinal))
        {
            claims.Add(new Claim(SamverkanClaims.Roles, role));
        }

        claims.Add(new Claim(SamverkanClaims.AssuranceLevel, acr));
        return new ClaimsIdentity(claims, SamverkanAuthentication.CookieScheme, SamverkanClaims.Subject, SamverkanClaims.Roles);
    }

    private static IEnumerable<string> Values(ClaimsPrincipal? source, string type) =>
        source?.FindAll(type).Select(c => c.Value.Trim()).Where(v => v.Length > 0) ?? [];

    /// <summary>One role per claim, a JSON array (as the userinfo mapping keeps it), or space- or comma-separated.</summary>
    private static IEnumerable<string> Roles(string value)
    {
        if (value.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<string[]>(value)?.Where(r => !string.IsNullOrWhiteSpace(r)) ?? [];
            }
            catch (JsonException)
            {
                return [];
            }
        }

        return value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Keeps the session's id token for the provider's sign-out (the cookie is gone by then).</summary>
    internal static void RememberIdTokenForSignOut(HttpContext context, string? idToken)
    {
        if (!string.IsNullOrEmpty(idToken))
        {
            context.Items[IdTokenItem] = idToken;
        }
    }
}

/// <summary>The small pages of sign-in and sign-out (Swedish and English, no script).</summary>
internal static class SignInPages
{
    /// <summary>Encodes markup characters only; Swedish letters stay readable in the page source.</summary>
    private static readonly System.Text.Encodings.Web.HtmlEncoder Html =
        System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    private static string Encode(string text) => Html.Encode(text);

    public static Task WriteAsync(
        HttpContext context, HttpStatusCode status, string testId, string title, string swedish, string english, (string Text, string Href)? link)
    {
        var action = link is { } l ? $"<p><a href=\"{Encode(l.Href)}\">{Encode(l.Text)}</a></p>" : "";
        return WriteHtmlAsync(context, (int)status, $"""
            <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Samverkan – {Encode(title)}</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family:system-ui,sans-serif;margin:2rem;max-width:40rem;color:#1b1b1b">
            <h1>{Encode(title)}</h1><p data-testid="{testId}">{Encode(swedish)}</p>
            <p lang="en">{Encode(english)}</p>{action}</body></html>
            """);
    }

    /// <summary>A page of our own origin that goes on to <paramref name="returnUrl"/> (a local URL) at once.</summary>
    public static Task WriteContinueAsync(HttpContext context, string returnUrl)
    {
        var href = Encode(returnUrl);
        return WriteHtmlAsync(context, StatusCodes.Status200OK, $"""
            <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Samverkan – inloggad</title>
            <meta http-equiv="refresh" content="0;url={href}"></head>
            <body style="font-family:system-ui,sans-serif;margin:2rem"><p><a href="{href}">Fortsätt till Samverkan</a></p></body></html>
            """);
    }

    private static Task WriteHtmlAsync(HttpContext context, int status, string html)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        return response.WriteAsync(html, context.RequestAborted);
    }
}
