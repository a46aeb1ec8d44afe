using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors.Projections;
using Samverkan.Actors.Runtime;
using Samverkan.Postgres;

namespace Samverkan.Actors.Grains;

/// <summary>Registers actors hosted as Orleans grains (<see cref="ActorGrain"/>), their client and the signals between nodes.</summary>
public static class ActorGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the actor grains of this silo share: the actor types and projectors registered through the returned
    /// builder, the <see cref="IActorClient"/> over the grains, <see cref="IReadModels"/>, and <see cref="IActorSignals"/>
    /// on PostgreSQL LISTEN/NOTIFY (a hosted service). Needs an <see cref="NpgsqlDataSource"/> and Orleans' client.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="clock">The service's clock (what handlers see as now, what timers are due against).</param>
    /// <param name="json">The JSON shape of states, messages and signals.</param>
    /// <param name="options">How the grains behave; the defaults suit production.</param>
    public static IActorGrainsBuilder AddActorGrains(
        this IServiceCollection services, Func<IServiceProvider, TimeProvider> clock, JsonSerializerOptions json, ActorGrainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(json);
        services.AddMigrationSource("actors", typeof(ActorGrain).Assembly);
        services.TryAddSingleton(sp => new PostgresSignals(
            sp.GetRequiredService<NpgsqlDataSource>(), json, sp.GetRequiredService<ILogger<PostgresSignals>>()));
        services.TryAddSingleton<IActorSignals>(sp => sp.GetRequiredService<PostgresSignals>());
        services.AddHostedService(sp => sp.GetRequiredService<PostgresSignals>());
        services.TryAddSingleton(sp => new ActorGrainServices(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetServices<ActorBase>(),
            sp.GetServices<IProjector>(),
            clock(sp),
            json,
            sp.GetRequiredService<IActorSignals>(),
            options ?? new ActorGrainOptions(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IReadModels>(sp => sp.GetRequiredService<ActorGrainServices>().ReadModels);
        services.TryAddSingleton<IActorClient>(sp => new GrainActorClient(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ActorGrainServices>()));
        services.AddHostedService<SerializerWarmup>();
        return new ActorGrainsBuilder(services);
    }
}

/// <summary>Adds actor types and projectors to the grains.</summary>
public interface IActorGrainsBuilder
{
    IServiceCollection Services { get; }

    IActorGrainsBuilder AddActor<TActor>()
        where TActor : ActorBase;

    IActorGrainsBuilder AddProjector<TProjector>()
        where TProjector : class, IProjector;
}

internal sealed class ActorGrainsBuilder(IServiceCollection services) : IActorGrainsBuilder
{
    public IServiceCollection Services { get; } = services;

    public IActorGrainsBuilder AddActor<TActor>()
        where TActor : ActorBase
    {
        Services.AddSingleton<ActorBase, TActor>();
        return this;
    }

    public IActorGrainsBuilder AddProjector<TProjector>()
        where TProjector : class, IProjector
    {
        Services.AddSingleton<IProjector, TProjector>();
        return this;
    }
}

/// <summary>
/// Builds the serializers' metadata beside the start, not before it: the first message of a kind finds it ready, or
/// shares the work (about 0.5 s of CPU).
/// </summary>
internal sealed class SerializerWarmup(ActorGrainServices grains, ILogger<SerializerWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() =>
        {
            try
            {
                var clock = Stopwatch.StartNew();
                ActorLog.SerializersPrepared(logger, grains.PrepareSerializers(), clock.ElapsedMilliseconds);
            }
            catch (Exception exception)
            {
                // Only a head start: whatever failed here fails (or not) where the type is used.
                ActorLog.SerializersNotPrepared(logger, exception);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
