using Samverkan.Host.Errors;

namespace Samverkan.Host.Hosting;

public static class SamverkanDefaultsExtensions
{
    /// <summary>What every Samverkan web node has: problem details for errors, the OpenAPI document, a graceful shutdown.</summary>
    public static IHostApplicationBuilder AddSamverkanDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
