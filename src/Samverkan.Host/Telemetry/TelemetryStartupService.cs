using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Samverkan.Host.Telemetry;

/// <summary>Takes the tracer and meter providers so they exist (and listen) from the host's start.</summary>
internal sealed class TelemetryStartupService(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(tracerProvider);
        GC.KeepAlive(meterProvider);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Flush what is buffered while the exporters can still send it.
        tracerProvider.ForceFlush(5_000);
        meterProvider.ForceFlush(5_000);
        return Task.CompletedTask;
    }
}
