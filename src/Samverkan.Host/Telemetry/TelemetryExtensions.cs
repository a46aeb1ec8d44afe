using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Samverkan.Host.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The environment variable (configuration key) that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The metric export interval (milliseconds) the OpenTelemetry SDK reads; ours is 15 s unless set.</summary>
    public const string MetricExportIntervalVariable = "OTEL_METRIC_EXPORT_INTERVAL";

    /// <summary>
    /// OpenTelemetry traces, metrics and logs through <c>OpenTelemetry.Extensions.Hosting</c>: our own sources and
    /// meters (<c>Samverkan</c>, <c>Samverkan.*</c>), the ASP.NET Core, HttpClient, runtime and Npgsql
    /// instrumentations, and Orleans' meter and activity sources. Exported over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_*</c> keys itself). Every span
    /// passes <see cref="RedactionProcessor"/> and every log record <see cref="LogRedactionProcessor"/> before any exporter sees it.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : SamverkanTelemetry.ServiceName;
        var version = typeof(SamverkanTelemetry).Assembly.GetName().Version?.ToString();
        var exportInterval = int.TryParse(builder.Configuration[MetricExportIntervalVariable], out var interval) && interval > 0 ? interval : 15_000;

        // The console log is redacted as the exported one is (RedactingConsoleFormatter).
        builder.Logging.AddConsole(options => options.FormatterName = RedactingConsoleFormatter.FormatterName)
            .AddConsoleFormatter<RedactingConsoleFormatter, ConsoleFormatterOptions>();

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(serviceName, serviceVersion: version, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
                .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(SamverkanTelemetry.Name, SamverkanTelemetry.OwnWildcard)
                    .AddSource(SamverkanTelemetry.OrleansRuntimeSource, SamverkanTelemetry.OrleansApplicationSource)
                    .AddAspNetCoreInstrumentation(options =>
                    {
                        // Health probes are noise; exceptions' messages can quote input.
                        options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
                        options.RecordException = false;
                    })
                    .AddHttpClientInstrumentation(options => options.RecordException = false)
                    .AddNpgsql()
                    // Last of the processors that see a span end, and before the exporter (added below).
                    .AddProcessor(new RedactionProcessor());
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(SamverkanTelemetry.Name, SamverkanTelemetry.OwnWildcard)
                    .AddMeter(SamverkanTelemetry.OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (exportOtlp)
                {
                    metrics.AddOtlpExporter((OtlpExporterOptions _, MetricReaderOptions reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = exportInterval);
                }
            })
            .WithLogging(
                logging =>
                {
                    // Before the exporter (added below), as for spans.
                    logging.AddProcessor(new LogRedactionProcessor());
                    if (exportOtlp)
                    {
                        logging.AddOtlpExporter();
                    }
                },
                options =>
                {
                    options.IncludeFormattedMessage = true;

                    // Scopes carry request paths and query strings; logs carry ids through their own structured fields.
                    options.IncludeScopes = false;
                });
        return builder;
    }
}
