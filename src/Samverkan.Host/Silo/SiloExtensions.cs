using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Samverkan.Abstractions;
using Samverkan.Actors.Grains;
using Samverkan.Coordination;
using Samverkan.Host.Database;
using Samverkan.Host.Health;
using Samverkan.Postgres;

namespace Samverkan.Host.Silo;

/// <summary>
/// This node's Orleans silo on the service's PostgreSQL: ADO.NET clustering (membership), grain storage and reminders,
/// on the provider schema that <see cref="OrleansProviderSchema"/> migrates with every other table before the silo starts.
/// </summary>
public static class SiloExtensions
{
    public static IHostApplicationBuilder AddSamverkanSilo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOrleansProviderSchema();
        var production = builder.Environment.IsProduction();
        builder.UseOrleans(silo => silo
            .UseAdoNetClustering(o => o.Invariant = OrleansProviderSchema.Invariant)
            .AddAdoNetGrainStorage(GrainStorage.Default, o =>
            {
                o.Invariant = OrleansProviderSchema.Invariant;
                o.GrainStorageSerializer = new JsonGrainStateSerializer(CoordinationJson.Options);
            })
            .UseAdoNetReminderService(o => o.Invariant = OrleansProviderSchema.Invariant)
            // A grain call is a span of the trace that made it (an HTTP request, a timer), on whichever silo it runs.
            .AddActivityPropagation()
            .AddDashboard(o => o.HideTrace = true));

        // The connection string is known only once the database is (the private server of the default run starts late),
        // and the options are read when the silo starts, after the migrations.
        services.AddOptions<AdoNetClusteringSiloOptions>().Configure<SamverkanDatabase>((o, db) => o.ConnectionString = ConnectionString(db));
        services.AddOptions<AdoNetGrainStorageOptions>(GrainStorage.Default).Configure<SamverkanDatabase>((o, db) => o.ConnectionString = ConnectionString(db));
        services.AddOptions<AdoNetReminderTableOptions>().Configure<SamverkanDatabase>((o, db) => o.ConnectionString = ConnectionString(db));
        // The domain's records cross silos as JSON (Domain stays free of Orleans); the grains' contracts have generated codecs.
        services.AddSerializer(serializer => serializer.AddJsonSerializer(
            isSupported: type => type.Namespace?.StartsWith("Samverkan.Domain", StringComparison.Ordinal) == true,
            jsonSerializerOptions: CoordinationJson.Options));
        services.AddOptions<ClusterOptions>().Configure<IOptions<SiloOptions>>((o, silo) =>
        {
            o.ClusterId = silo.Value.ClusterId;
            o.ServiceId = silo.Value.ServiceId;
        });
        services.AddOptions<EndpointOptions>().Configure<IOptions<SiloOptions>>((o, silo) =>
        {
            o.SiloPort = silo.Value.SiloPort == 0 ? FreePort() : silo.Value.SiloPort;
            o.GatewayPort = silo.Value.GatewayPort == 0 ? FreePort() : silo.Value.GatewayPort;
            if (silo.Value.AdvertisedAddress is { Length: > 0 } address)
            {
                o.AdvertisedIPAddress = IPAddress.Parse(address);
            }
            else if (!production)
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
            }
        });
        services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<SiloOptions>>((o, silo) =>
        {
            o.ProbeTimeout = silo.Value.ProbeTimeout;
            o.NumMissedProbesLimit = silo.Value.NumMissedProbesLimit;
            o.TableRefreshTimeout = silo.Value.TableRefreshTimeout;
            o.IAmAliveTablePublishTimeout = silo.Value.IAmAliveTablePublishTimeout;
        });
        // Our starter in place of Orleans' hosted service (SiloStarter says why); Orleans' configuration validators still run.
        var orleansStarter = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Orleans.Hosting.SiloHostedService");
        services.Remove(orleansStarter);
        services.AddHostedService(sp =>
        {
            foreach (var validator in sp.GetServices<IConfigurationValidator>())
            {
                validator.ValidateConfiguration();
            }

            return ActivatorUtilities.CreateInstance<SiloStarter>(sp);
        });
        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [HealthTags.Ready]);
        return builder;
    }

    private static string ConnectionString(SamverkanDatabase database) =>
        database.GetConnectionStringAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>A port free a moment ago (the operating system's choice); membership advertises whatever the silo bound.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Ready when this node's silo is an active member of the cluster.</summary>
internal sealed class SiloReadinessCheck(ISiloStatusOracle membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is an active cluster member.")
            : HealthCheckResult.Unhealthy($"The silo is {membership.CurrentStatus}, not an active cluster member."));
}
