using Samverkan.Host.Errors;
using Samverkan.Host.Telemetry;

namespace Samverkan.Host.Hosting;

public static class SamverkanDefaultsExtensions
{
    /// <summary>What every Samverkan node has: telemetry, problem details and the OpenAPI document.</summary>
    public static IHostApplicationBuilder AddSamverkanDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSamverkanTelemetry();
        builder.AddSamverkanProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Samverkan API";
            document.Info.Description = "Coordination of support for children across schools, social services and health care.";
            return Task.CompletedTask;
        }));

        // Give in-flight work (and the private PostgreSQL server, stopped last) time to finish on SIGTERM or Ctrl+C.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}
