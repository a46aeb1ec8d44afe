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
    public static IActorRuntimeBuilder AddActorRuntime(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
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
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ActorHost>().Client);
        services.TryAddSingleton(sp => sp.GetRequiredService<ActorHost>().Signals);
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

/// <summary>Starts the node with the host and leaves the cluster gracefully when the host stops.</summary>
internal sealed class ActorHostService(ActorHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
