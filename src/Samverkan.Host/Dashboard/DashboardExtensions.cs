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

        // The sign-out form's answer is a redirect to the identity provider's end_session_endpoint: form-action allows it.
        var provider = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SamverkanAuthenticationOptions>>().Value.OpenIdConnect;
        var formAction = "'self'";
        foreach (var address in new[] { provider.Authority, provider.MetadataAddress })
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && !formAction.Contains(uri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
            {
                formAction += " " + uri.GetLeftPart(UriPartial.Authority);
            }
        }

        var contentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            + $"form-action {formAction}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";
        app.Use((context, next) => AddPageHeaders(context, next, contentSecurityPolicy));

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
    private static Task AddPageHeaders(HttpContext context, RequestDelegate next, string contentSecurityPolicy)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DashboardPageMetadata>() is not null)
        {
            context.Response.OnStarting(state =>
            {
                var headers = ((HttpContext)state).Response.Headers;
                headers.ContentSecurityPolicy = contentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.CacheControl = "no-store";
                headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            }, context);
        }

        return next(context);
    }

    /// <summary>To the identity provider; in Development without one to the demo sign-in; with neither a 401 page that says so.</summary>
    private static Task RedirectToSignInAsync(HttpContext context) =>
        SignInEndpoints.StartSignInAsync(
            context, context.Request.PathBase + context.Request.Path + context.Request.QueryString, System.Net.HttpStatusCode.Unauthorized);
}

/// <summary>Marks the dashboard's page endpoints, so an unauthenticated browser is redirected to sign in instead of answered 401.</summary>
internal sealed class DashboardPageMetadata;
