using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Samverkan.Host.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The environment variable that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// OpenTelemetry traces, metrics and logs, wired by hand: our own sources and meters (<c>Samverkan</c>,
    /// <c>Samverkan.*</c>), ASP.NET Core's, Npgsql's, HttpClient's and the runtime's. Exported over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_*</c> variables itself).
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : SamverkanTelemetry.ServiceName;
        var version = typeof(SamverkanTelemetry).Assembly.GetName().Version?.ToString();

        void ConfigureResource(ResourceBuilder resource) => resource
            .AddService(serviceName, serviceVersion: version, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
            .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]);

        builder.Logging.AddOpenTelemetry(options =>
        {
            var resource = ResourceBuilder.CreateDefault();
            ConfigureResource(resource);
            options.SetResourceBuilder(resource);
            options.IncludeFormattedMessage = true;

            // Scopes carry request paths and query strings; logs carry ids through their own structured fields.
            options.IncludeScopes = false;
            if (exportOtlp)
            {
                options.AddOtlpExporter();
            }
        });

        builder.Services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddSource(SamverkanTelemetry.Name, SamverkanTelemetry.OwnWildcard)
                .AddSource(SamverkanTelemetry.AspNetCoreSource, SamverkanTelemetry.AspNetCoreWildcard)
                .AddSource(SamverkanTelemetry.Npgsql, SamverkanTelemetry.HttpClient)
                .AddProcessor(new RedactionProcessor());
            if (exportOtlp)
            {
                tracing.AddOtlpExporter();
            }

            return tracing.Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddMeter(SamverkanTelemetry.Name, SamverkanTelemetry.OwnWildcard)
                .AddMeter(SamverkanTelemetry.AspNetCoreWildcard)
                .AddMeter(SamverkanTelemetry.Npgsql, SamverkanTelemetry.RuntimeMeter, SamverkanTelemetry.HttpClient);
            if (exportOtlp)
            {
                metrics.AddOtlpExporter((OtlpExporterOptions _, MetricReaderOptions reader) =>
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000);
            }

            return metrics.Build();
        });

        // Creates both providers as the host starts (the container disposes them when the host stops).
        builder.Services.AddHostedService<TelemetryStartupService>();
        return builder;
    }
}
