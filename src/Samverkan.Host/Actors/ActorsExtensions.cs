using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Actors.Grains;
using Samverkan.Actors.Hosting;
using Samverkan.Actors.Projections;
using Samverkan.Coordination;
using Samverkan.Domain.Common;
using Samverkan.Host.Health;

namespace Samverkan.Host.Actors;

/// <summary>This node of the actor runtime, with the coordination actors.</summary>
public static class ActorsExtensions
{
    public static IHostApplicationBuilder AddSamverkanActors(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The coordination actors run as Orleans grains (ActorGrain); callers reach them through the grains' client. The old
        // runtime's node still carries the signals between nodes (LISTEN/NOTIFY) until they move too.
        builder.Services.AddSingleton(sp => new ActorGrainServices(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetServices<ActorBase>(),
            sp.GetServices<IProjector>(),
            sp.GetRequiredService<ServiceClock>(),
            CoordinationJson.Options,
            sp.GetRequiredService<IActorSignals>(),
            new ActorGrainOptions(),
            sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<IActorClient>(sp => new GrainActorClient(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ActorGrainServices>()));
        // Deadlines that came due while no silo ran (a full stop, a restore) fire once a silo is active, not at a reminder's next hourly tick.
        builder.Services.AddHostedService<OverdueTimerSweep>();
        builder.Services.AddActorRuntime(clock: sp => sp.GetRequiredService<ServiceClock>()).AddCoordination();
        builder.Services.AddHealthChecks().AddCheck<ActorNodeReadinessCheck>("actors", tags: [HealthTags.Ready]);
        return builder;
    }
}

/// <summary>Ready when this node is started, listening, and heartbeating within its lease TTL.</summary>
internal sealed class ActorNodeReadinessCheck(ActorHost node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(node.IsHealthy
            ? HealthCheckResult.Healthy($"{node.OwnedPartitions.Count} partitions held")
            : HealthCheckResult.Unhealthy("The actor node is not started or has lost contact with the database."));
}
