using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Samverkan.Host.Errors;
using Samverkan.Host.Security;
using Scalar.AspNetCore;

namespace Samverkan.Host.Hosting;

public static class SamverkanDefaultsExtensions
{
    /// <summary>
    /// What every Samverkan web node has: problem details for errors, forwarded headers from trusted proxies
    /// (<c>Samverkan:Proxy</c>), the OpenAPI document, a graceful shutdown.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSamverkanProblemDetails();
        builder.AddSamverkanForwardedHeaders();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info.Title = "Samverkan API";
            document.Info.Description = "Coordination of support for children across schools, social services and health care.";
            var cookieName = context.ApplicationServices.GetRequiredService<IOptions<SamverkanAuthenticationOptions>>().Value.CookieName;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from the organisation's identity provider (integrations).",
            };
            document.Components.SecuritySchemes[CookieSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = cookieName,
                Description = "The dashboard's session cookie, set by the sign-in through the identity provider (staff in a browser).",
            };
            return Task.CompletedTask;
        }));

        // Give in-flight work (and the private PostgreSQL server, stopped last) time to finish on SIGTERM or Ctrl+C.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>The OpenAPI security scheme for bearer tokens (JWT).</summary>
    public const string BearerSchemeName = "bearer";

    /// <summary>The OpenAPI security scheme for the session cookie.</summary>
    public const string CookieSchemeName = "cookie";

    /// <summary>Where the API reference page (Scalar) answers: under <c>/openapi/</c>, public like the document itself.</summary>
    public const string ApiReferencePath = "/openapi/reference";

    /// <summary>
    /// The OpenAPI document (<c>/openapi/v1.json</c>) and the API reference page over it (<see cref="ApiReferencePath"/>),
    /// both under <c>/openapi/</c>, the one prefix besides health the fallback policy lets through anonymously.
    /// </summary>
    public static IEndpointRouteBuilder MapSamverkanOpenApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapOpenApi();
        endpoints.MapScalarApiReference(ApiReferencePath, options => options
            .WithTitle("Samverkan API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return endpoints;
    }
}
