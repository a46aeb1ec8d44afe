using Samverkan.Domain.Common;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Authentication (bearer tokens of the region's identity provider; a cookie session made from one; in Development a
    /// demo issuer), the authorization policies with an authenticated-by-default fallback, rate limits, the audit log
    /// (migration module <c>host</c>), need-to-know access to children (<see cref="IChildAccess"/>) and the shared
    /// data-protection key ring. Sections: <c>Samverkan:Authentication</c>, <c>Samverkan:RateLimits</c>, <c>Samverkan:Audit</c>.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanSecurity(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var environment = builder.Environment;
        services.AddMigrationSource("host", typeof(SecurityExtensions).Assembly);
        services.TryAddSingleton(ServiceClock.System);

        services.AddOptions<SamverkanAuthenticationOptions>().BindConfiguration(SamverkanAuthenticationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SamverkanAuthenticationOptions>>(new AuthenticationOptionsValidation(environment.IsProduction()));
        services.AddOptions<SamverkanAuditOptions>().BindConfiguration(SamverkanAuditOptions.SectionName)
            .Validate(o => !o.Problems().Any(), "Samverkan:Audit is invalid: see docs/security.md.").ValidateOnStart();
        services.AddOptions<SamverkanRateLimitOptions>().BindConfiguration(SamverkanRateLimitOptions.SectionName)
            .Validate(o => o.Window > TimeSpan.Zero && o.PermitsPerUser > 0 && o.PermitsPerFeed > 0 && o.PermitsPerAddress > 0,
                "Samverkan:RateLimits: Window and every PermitsPer… must be positive.")
            .ValidateOnStart();

        var developmentIssuer = environment.IsDevelopment()
            && builder.Configuration.GetValue($"{SamverkanAuthenticationOptions.SectionName}:Development:Enabled", true);
        if (developmentIssuer)
        {
            services.TryAddSingleton<DevelopmentTokenIssuer>();
        }

        var authentication = services.AddAuthentication(SamverkanAuthentication.Scheme)
            .AddPolicyScheme(SamverkanAuthentication.Scheme, "Bearer token or session cookie", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(SamverkanAuthentication.BearerScheme, _ => { })
            .AddCookie(SamverkanAuthentication.CookieScheme, _ => { });
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();

        // The dashboard's sign-in through the region's OpenID Connect provider, when one is configured.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{SamverkanAuthenticationOptions.SectionName}:OpenIdConnect:Authority"]))
        {
            authentication.AddOpenIdConnect(SamverkanAuthentication.OpenIdConnectScheme, "The region's identity provider", _ => { });
            services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, OpenIdConnectSignInSetup>();
        }

        services.AddOptions<CookieAuthenticationOptions>(SamverkanAuthentication.CookieScheme)
            .Configure<IOptions<SamverkanAuthenticationOptions>, ServiceClock>((cookie, options, clock) => ConfigureCookie(cookie, options.Value, clock, environment));
        services.AddDataProtection().SetApplicationName("Samverkan");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((keys, dataSource) => keys.XmlRepository = new PostgresXmlRepository(dataSource));

        services.AddAuthorization(ConfigurePolicies);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<SamverkanRateLimitOptions>>((limiter, options) => RateLimiting.Configure(limiter, options.Value));

        services.TryAddSingleton<PostgresAuditLog>();
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<PostgresAuditLog>());
        services.TryAddSingleton(sp => new AuditReview(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<AuditReview>>()));
        services.TryAddSingleton<IChildConsents, GrainChildConsents>();
        services.TryAddSingleton<IChildAccess, ChildAccessService>();
        services.TryAddSingleton<WriteScope>();
        services.TryAddSingleton<DevUserDirectory>();
        services.AddExceptionHandler<SecurityExceptionHandler>();
        services.AddHostedService<SecurityStartupService>();
        return builder;
    }

    /// <summary>
    /// The security middleware (authentication, rate limits, authorization, response headers) and endpoints:
    /// <c>GET /signin</c> (to the identity provider), <c>POST /signout</c>, <c>GET /signed-out</c>, the audit API under
    /// <c>/api/v1/audit</c>, and in Development only <c>POST /signin</c> (a token), <c>/dev/signin</c> and <c>/dev/token</c>. Call after the problem-details middleware, before mapping endpoints.
    /// </summary>
    public static WebApplication UseSamverkanSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(AddSecurityHeaders);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        SignInEndpoints.Map(app, app.Environment.IsDevelopment());
        AuditEndpoints.Map(app);
        if (app.Environment.IsDevelopment() && app.Services.GetService<DevelopmentTokenIssuer>() is not null)
        {
            DevelopmentEndpoints.Map(app);
        }

        return app;
    }

    private static void ConfigurePolicies(AuthorizationOptions options)
    {
        options.FallbackPolicy = new AuthorizationPolicyBuilder().AddRequirements(new PublicOrAuthenticatedRequirement()).Build();
        options.AddPolicy(SamverkanPolicies.Staff, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { IsFeed: false }));
        options.AddPolicy(SamverkanPolicies.Feed, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { IsFeed: true }));
        options.AddPolicy(SamverkanPolicies.Coordinator, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { IsCoordinator: true }));
        options.AddPolicy(SamverkanPolicies.RosterAdmin, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { } caller
                && (caller.IsFeed || context.User.HasRole(SamverkanClaims.AdministratorRole))));
        options.AddPolicy(SamverkanPolicies.AuditReviewer, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { IsFeed: false } && context.User.HasRole(SamverkanClaims.AuditReviewerRole)));
        options.AddPolicy(SamverkanPolicies.Operator, policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => CallerOf(context) is { IsFeed: false } && context.User.HasRole(SamverkanClaims.OperatorRole)));
    }

    private static Caller? CallerOf(AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http ? http.TryGetCaller() : CallerClaims.TryRead(context.User, out var caller) ? caller : null;

    /// <summary>A bearer token wins; else the session cookie when the request has one; else bearer, so a challenge answers 401.</summary>
    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return SamverkanAuthentication.BearerScheme;
        }

        var cookieName = context.RequestServices.GetRequiredService<IOptions<SamverkanAuthenticationOptions>>().Value.CookieName;
        return context.Request.Cookies.ContainsKey(cookieName) ? SamverkanAuthentication.CookieScheme : SamverkanAuthentication.BearerScheme;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, SamverkanAuthenticationOptions options, ServiceClock clock, IHostEnvironment environment)
    {
        // A session's lifetime is the service's time, the clock that stamped it (not the runtime's).
        cookie.TimeProvider = clock;
        cookie.Cookie.Name = options.CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.Path = "/";

        // Strict: a cross-site request never carries the session, so a cookie-authenticated write cannot be forged.
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.ExpireTimeSpan = options.MaxSessionLifetime;
        cookie.SlidingExpiration = false;
        cookie.Events = new CookieAuthenticationEvents
        {
            OnRedirectToLogin = context => SecurityProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                "Authentication required", "The session has ended: sign in again."),
            OnRedirectToAccessDenied = context => SecurityProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                "Forbidden", "The caller may not use this endpoint."),
            OnValidatePrincipal = context =>
            {
                if (!CallerClaims.TryRead(context.Principal, out _))
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>No sniffing anywhere; no caching of API answers (they carry data about children) or of sign-in answers.</summary>
    private static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            var path = http.Request.Path;
            if (string.IsNullOrEmpty(headers.CacheControl)
                && (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/signin", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/signin-oidc", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/signout", StringComparison.OrdinalIgnoreCase)
                    || path.StartsWithSegments("/dev", StringComparison.OrdinalIgnoreCase)))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    private sealed class AuthenticationOptionsValidation(bool production) : IValidateOptions<SamverkanAuthenticationOptions>
    {
        public ValidateOptionsResult Validate(string? name, SamverkanAuthenticationOptions options)
        {
            var problems = options.Problems(production).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}

/// <summary>Says at start-up what authenticates requests (no secrets).</summary>
internal sealed class SecurityStartupService(
    IOptions<SamverkanAuthenticationOptions> options, IServiceProvider services, ILogger<SecurityStartupService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var development = services.GetService<DevelopmentTokenIssuer>() is not null;
        if (development)
        {
            SecurityLog.DevelopmentIssuerActive(logger);
        }
        else if (!options.Value.HasIdentityProvider)
        {
            SecurityLog.NoIdentityProvider(logger);
        }

        if (!development && !options.Value.OpenIdConnect.Enabled)
        {
            SecurityLog.NoDashboardSignIn(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
