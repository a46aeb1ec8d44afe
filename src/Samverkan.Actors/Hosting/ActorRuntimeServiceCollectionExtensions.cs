using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Actors.Projections;
using Samverkan.Postgres;

namespace Samverkan.Actors.Hosting;

/// <summary>Registers the actor runtime: one <see cref="ActorHost"/> node per process, its client and signals.</summary>
public static class ActorRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the actor runtime. Needs an <see cref="NpgsqlDataSource"/> singleton; options bind from
    /// <c>Samverkan:Actors</c>. The node starts as a hosted service (after the migrations: register those first).
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Options on top of configuration.</param>
    /// <param name="clock">The runtime's clock (timers, leases); the container's <see cref="TimeProvider"/> when null.</param>
    public static IActorRuntimeBuilder AddActorRuntime(
        this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null, Func<IServiceProvider, TimeProvider>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ActorRuntimeOptions>()
            .BindConfiguration(ActorRuntimeOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.LeaseTtl >= TimeSpan.FromSeconds(1) && o.EffectiveHeartbeatInterval < o.LeaseTtl, "The heartbeat must be shorter than the lease TTL (at least 1 s).")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddMigrationSource("actors", typeof(ActorHost).Assembly);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ActorHost(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<ActorRuntimeOptions>>().Value,
            sp.GetServices<ActorBase>(),
            sp.GetServices<IProjector>(),
            clock?.Invoke(sp) ?? sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ActorHost>().Client);
        services.TryAddSingleton(sp => sp.GetRequiredService<ActorHost>().Signals);
        services.TryAddSingleton(sp => sp.GetRequiredService<ActorHost>().ReadModels);
        services.TryAddSingleton(sp => new ActorMaintenance(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddHostedService<ActorHostService>();
        return new ActorRuntimeBuilder(services);
    }
}

/// <summary>Adds actor types and projectors to the runtime.</summary>
public interface IActorRuntimeBuilder
{
    IServiceCollection Services { get; }

    IActorRuntimeBuilder AddActor<TActor>()
        where TActor : ActorBase;

    IActorRuntimeBuilder AddProjector<TProjector>()
        where TProjector : class, IProjector;
}

internal sealed class ActorRuntimeBuilder(IServiceCollection services) : IActorRuntimeBuilder
{
    public IServiceCollection Services { get; } = services;

    public IActorRuntimeBuilder AddActor<TActor>()
        where TActor : ActorBase
    {
        Services.AddSingleton<ActorBase, TActor>();
        return this;
    }

    public IActorRuntimeBuilder AddProjector<TProjector>()
        where TProjector : class, IProjector
    {
        Services.AddSingleton<IProjector, TProjector>();
        return this;
    }
}

/// <summary>
/// Starts the node once the runtime's tables exist (at once when the host migrates at start; otherwise when the
/// deployment's migrate job has run), without holding up the host: readiness stays 503 until the node runs.
/// Leaves the cluster gracefully when the host stops.
/// </summary>
internal sealed partial class ActorHostService(ActorHost host, NpgsqlDataSource dataSource, ILogger<ActorHostService> logger) : IHostedService
{
    // Never disposed: the host may call StopAsync after disposing its services (WebApplicationFactory does when a
    // test host is torn down), and a source without a timer holds nothing that needs disposing.
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await SchemaExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            // The usual case (migrated at start): the node is running when the host has started.
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        Log.WaitingForSchema(logger);
        _starting = Task.Run(() => StartWhenReadyAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task<bool> SchemaExistsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select to_regprocedure('actor_fence(uuid,int[],bigint[])') is not null");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _starting.ConfigureAwait(false);
        await host.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartWhenReadyAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await SchemaExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    await host.StartAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException exception)
            {
                Log.DatabaseUnavailable(logger, exception);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Warning, "The actor runtime's tables do not exist yet; the node starts once migrations have run")]
        public static partial void WaitingForSchema(ILogger logger);

        [LoggerMessage(1101, LogLevel.Warning, "The database is not reachable; the actor node will start when it is")]
        public static partial void DatabaseUnavailable(ILogger logger, Exception exception);
    }
}
