using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Grains.Tests;

/// <summary>One silo on free ports with the three ADO.NET providers on a test database: a node as a deployment runs it.</summary>
internal sealed class SiloHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SiloHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<SiloHost> StartAsync(TestDatabase database, string clusterId, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "samverkan-tests";
            })
            .ConfigureEndpoints(IPAddress.Loopback, FreePort.Next(), FreePort.Next())
            .UseAdoNetClustering(o =>
            {
                o.Invariant = OrleansProviderSchema.Invariant;
                o.ConnectionString = database.ConnectionString;
            })
            .AddAdoNetGrainStorage(ProviderSchemaTests.Storage, o =>
            {
                o.Invariant = OrleansProviderSchema.Invariant;
                o.ConnectionString = database.ConnectionString;
                if (configure is not null)
                {
                    // The actor grains' state is System.Text.Json, as in the host.
                    o.GrainStorageSerializer = new Samverkan.Actors.Grains.JsonGrainStateSerializer(ActorGrainTests.Json);
                }
            })
            .UseAdoNetReminderService(o =>
            {
                o.Invariant = OrleansProviderSchema.Invariant;
                o.ConnectionString = database.ConnectionString;
            })
            .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });

        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new SiloHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}
