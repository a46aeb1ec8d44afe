using System.Reflection;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Host.Dashboard.Components;
using Samverkan.Host.Security;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// The live dashboard: Blazor components rendered on the server (interactive over the circuit), in Swedish with English
/// available, for signed-in staff only. Pages need the session cookie; a browser without one is sent to sign in
/// (in Development the demo sign-in page).
/// </summary>
public static class DashboardExtensions
{
    /// <summary>The dashboard's authorization policy: a person with a session (cookie scheme, so a challenge can redirect).</summary>
    public const string Policy = "samverkan.dashboard";

    private const string StylesheetResource = "Samverkan.Host.Dashboard.dashboard.css";

    private const string IconResource = "Samverkan.Host.Dashboard.favicon.svg";

    public static IHostApplicationBuilder AddSamverkanDashboard(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddRazorComponents()
            .AddInteractiveServerComponents(options => options.DetailedErrors = builder.Environment.IsDevelopment());
        services.AddScoped<DashboardData>();
        services.AddScoped<DashboardLive>();
        services.AddScoped<ICaseWorkCommands, CaseWorkCommands>();
        services.AddScoped<CircuitHandler, DashboardCircuitHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(SamverkanAuthentication.CookieScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => CallerClaims.TryRead(context.User, out var caller) && !caller.IsFeed));
        services.PostConfigure<CookieAuthenticationOptions>(SamverkanAuthentication.CookieScheme, cookie =>
        {
            var inner = cookie.Events.OnRedirectToLogin;
            cookie.Events.OnRedirectToLogin = context =>
                context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<DashboardPageMetadata>() is not null
                    ? RedirectToSignInAsync(context.HttpContext)
                    : inner(context);
        });
        return builder;
    }

    public static WebApplication MapSamverkanDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // After authentication and authorization (UseSamverkanSecurity), before the endpoints run.
        app.UseAntiforgery();
        app.Use(AddPageHeaders);

        // The framework's script (_framework/blazor.web.js) as a static file: from the build's static web assets in
        // Development, from wwwroot when published. Not MapStaticAssets: its catch-all GET endpoint would turn every
        // unknown POST into a 405 endpoint, which the fallback policy then answers 401 instead of 404.
        app.UseStaticFiles();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(Policy)
            .WithMetadata(new DashboardPageMetadata());
        app.MapGet("/dashboard.css", Stylesheet).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/favicon.svg", Icon).AllowAnonymous().ExcludeFromDescription();

        // Browsers and tools that ask for the classic path without reading the page's icon link.
        app.MapGet("/favicon.ico", () => TypedResults.LocalRedirect("/favicon.svg", permanent: true)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/language", SetLanguage).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    /// <summary>Sets the language cookie (<c>sv</c> or <c>en</c>) and goes back to the page (local URLs only).</summary>
    private static RedirectHttpResult SetLanguage(HttpContext context, [Microsoft.AspNetCore.Mvc.FromForm] string? language, [Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl)
    {
        var chosen = DashboardText.For(language).Language;
        context.Response.Cookies.Append(DashboardText.CookieName, chosen, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(365),
            IsEssential = true,
        });
        return TypedResults.Redirect(SignInEndpoints.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    private static IResult Stylesheet() => TypedResults.Stream(Resource(StylesheetResource), "text/css; charset=utf-8");

    private static IResult Icon() => TypedResults.Stream(Resource(IconResource), "image/svg+xml");

    private static Stream Resource(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"The resource {name} is missing.");

    /// <summary>
    /// Dashboard pages: our own scripts, styles and circuit only (no framing, so no clickjacking of the case actions),
    /// and never cached.
    /// </summary>
    private static Task AddPageHeaders(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DashboardPageMetadata>() is not null)
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                headers.ContentSecurityPolicy =
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                    + "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
                headers.XFrameOptions = "DENY";
                headers.CacheControl = "no-store";
                headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            }, context);
        }

        return next(context);
    }

    private static Task RedirectToSignInAsync(HttpContext context)
    {
        var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
        if (context.RequestServices.GetService<DevelopmentTokenIssuer>() is not null)
        {
            context.Response.Redirect("/dev/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
            return Task.CompletedTask;
        }

        // Outside Development the region's sign-in service posts the person's token to /signin; until it does, say so.
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(
            """
            <!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Samverkan – logga in</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body style="font-family:system-ui,sans-serif;margin:2rem;max-width:40rem;color:#1b1b1b">
            <h1>Logga in</h1><p>Du behöver logga in via din organisations inloggningstjänst för att se Samverkan.</p>
            <p lang="en">Sign in through your organisation's sign-in service to use Samverkan.</p></body></html>
            """, context.RequestAborted);
    }
}

/// <summary>Marks the dashboard's page endpoints, so an unauthenticated browser is redirected to sign in instead of answered 401.</summary>
internal sealed class DashboardPageMetadata;
