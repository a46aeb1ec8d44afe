using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Errors;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// RFC 9457 problem details for every error: unhandled exceptions (500, no exception text), bad requests
    /// (malformed JSON 400, too large 413, wrong content type 415), an unreachable database (503 with Retry-After) and
    /// bare status codes. Each carries <c>traceId</c>.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanProblemDetails(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<HttpLimitsOptions>()
            .BindConfiguration(HttpLimitsOptions.SectionName)
            .Validate(o => o.MaxRequestBodyBytes > 0, "Samverkan:Http:MaxRequestBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HttpLimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // One description per request error, whichever path answered it (a thrown bad request or a bare status code).
            BadRequestExceptionHandler.Describe(context.ProblemDetails);
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;

            // Never echo exception text: it can hold personal data from the request or the database.
            context.ProblemDetails.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();

        // Binding failures throw BadHttpRequestException in every environment, so they reach the handler above.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>The error-handling middleware; first in the pipeline.</summary>
    public static IApplicationBuilder UseSamverkanProblemDetails(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectTooLargeBodies);
        return app;
    }

    /// <summary>
    /// A declared Content-Length above the limit is refused before anything reads the body. The limit is the endpoint's
    /// own (<see cref="IRequestSizeLimitMetadata"/>, e.g. the absence batch) or else <see cref="HttpLimitsOptions.MaxRequestBodyBytes"/>;
    /// routing has run, so the endpoint is known.
    /// </summary>
    private static Task RejectTooLargeBodies(HttpContext context, RequestDelegate next)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } own }
            ? own
            : context.RequestServices.GetRequiredService<IOptions<HttpLimitsOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
