using Microsoft.Extensions.Diagnostics.HealthChecks;
using Samverkan.Actors;
using Samverkan.Actors.Hosting;
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
