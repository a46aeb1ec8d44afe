using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Grains.Tests;

/// <summary>
/// Orleans' ADO.NET clustering, persistence and reminder providers on our own PostgreSQL schema
/// (<see cref="OrleansProviderSchema"/>): silos on one database form a cluster, state survives deactivation, a stale
/// or concurrent first write loses, and a reminder fires and is removed.
/// </summary>
public sealed class ProviderSchemaTests(PostgresServerFixture postgres)
{
    public const string Storage = "samverkan";

    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheSchema_DefinesEveryQueryTheProvidersRead()
    {
        await using var database = await postgres.CreateDatabaseAsync([OrleansProviderSchema.Source], Token);
        await using var command = database.DataSource.CreateCommand("select querykey from orleansquery");
        var keys = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                keys.Add(reader.GetString(0));
            }
        }

        keys.Order(StringComparer.Ordinal).ShouldBe(OrleansProviderSchema.QueryKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TwoSilosOnOneDatabase_FormACluster_AndAGrainsStateOutlivesItsActivation()
    {
        await using var database = await postgres.CreateDatabaseAsync([OrleansProviderSchema.Source], Token);
        await using var first = await SiloHost.StartAsync(database, "cluster-a");
        await using var second = await SiloHost.StartAsync(database, "cluster-a");

        await DatabaseQueries.WaitUntilAsync(
            async () => await database.DataSource.ScalarAsync("select count(*) from orleans_membership where status = 3", [], Token) == 2,
            "both silos active in the membership table", Budget, TimeSpan.FromMilliseconds(100), null, Token);

        var probe = first.Grains.GetGrain<IProbeGrain>("child-1");
        (await probe.AddAsync(2)).ShouldBe(2);
        (await second.Grains.GetGrain<IProbeGrain>("child-1").AddAsync(3)).ShouldBe(5, "the second silo reaches the same activation");
        await probe.DeactivateAsync();

        // A new activation (on either silo) reads the stored state back.
        await DatabaseQueries.WaitUntilAsync(
            async () => (await second.Grains.GetGrain<IProbeGrain>("child-1").ReadAsync()).Total == 5,
            "the state read back after deactivation", Budget, TimeSpan.FromMilliseconds(100), null, Token);
        (await database.DataSource.ScalarAsync(
            "select version from orleans_storage where grain_key_ext = 'child-1' and payload is not null", [], Token)).ShouldBe(2);

        await probe.ClearAsync();
        (await database.DataSource.ScalarAsync("select count(*) from orleans_storage where payload is null", [], Token)).ShouldBe(1);
    }

    [Fact]
    public async Task AStaleOrConcurrentFirstWrite_Loses()
    {
        await using var database = await postgres.CreateDatabaseAsync([OrleansProviderSchema.Source], Token);
        await using var silo = await SiloHost.StartAsync(database, "cluster-b");
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(Storage);
        var grain = GrainId.Create("probe", "stale-1");

        var one = new GrainState<ProbeState>(new ProbeState { Total = 1 });
        var two = new GrainState<ProbeState>(new ProbeState { Total = 2 });
        await storage.WriteStateAsync("probe", grain, one);
        await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, two), "a second first write");

        // Both read version 1; the first writer wins, the second (now stale) loses and changes nothing.
        var a = new GrainState<ProbeState>(new ProbeState());
        var b = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync("probe", grain, a);
        await storage.ReadStateAsync("probe", grain, b);
        a.ETag.ShouldBe("1");
        a.State!.Total = 10;
        b.State!.Total = 20;
        await storage.WriteStateAsync("probe", grain, a);
        await Should.ThrowAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", grain, b));

        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync("probe", grain, read);
        read.State!.Total.ShouldBe(10);
        read.ETag.ShouldBe("2");
    }

    [Fact]
    public async Task AReminder_Fires_AndIsRemovedWhenTheGrainUnregistersIt()
    {
        await using var database = await postgres.CreateDatabaseAsync([OrleansProviderSchema.Source], Token);
        await using var silo = await SiloHost.StartAsync(database, "cluster-c");
        var probe = silo.Grains.GetGrain<IProbeGrain>("deadline-1");
        await probe.RemindAsync(TimeSpan.FromSeconds(1));
        (await database.DataSource.ScalarAsync("select count(*) from orleans_reminders where reminder_name = $1", [ProbeGrain.Reminder], Token)).ShouldBe(1);

        await DatabaseQueries.WaitUntilAsync(
            async () => (await probe.ReadAsync()).RemindersFired == 1, "the reminder fired", Budget, TimeSpan.FromMilliseconds(100), null, Token);
        await DatabaseQueries.WaitUntilAsync(
            async () => await database.DataSource.ScalarAsync("select count(*) from orleans_reminders", [], Token) == 0,
            "the reminder row removed", Budget, TimeSpan.FromMilliseconds(100), null, Token);
    }
}
