using Microsoft.Extensions.Diagnostics.HealthChecks;
using Samverkan.Actors.Grains;
using Samverkan.Actors.Runtime;
using Samverkan.Coordination;
using Samverkan.Domain.Common;
using Samverkan.Host.Health;

namespace Samverkan.Host.Actors;

/// <summary>The coordination actors as Orleans grains (<see cref="ActorGrain"/>), their client and the signals between nodes.</summary>
public static class ActorsExtensions
{
    public static IHostApplicationBuilder AddSamverkanActors(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddActorGrains(sp => sp.GetRequiredService<ServiceClock>(), CoordinationJson.Options).AddCoordination();
        // Deadlines that came due while no silo ran (a full stop, a restore) fire once a silo is active, not at a reminder's next hourly tick.
        builder.Services.AddHostedService<OverdueTimerSweep>();
        builder.Services.AddHealthChecks().AddCheck<SignalsReadinessCheck>("signals", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>Ready when this node listens for the other nodes' signals (the alert streams and caches depend on them).</summary>
internal sealed class SignalsReadinessCheck(PostgresSignals signals) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signals.IsListening
            ? HealthCheckResult.Healthy("Listening for the other nodes' signals.")
            : HealthCheckResult.Unhealthy("Not listening for the other nodes' signals (the database is not reachable)."));
}
