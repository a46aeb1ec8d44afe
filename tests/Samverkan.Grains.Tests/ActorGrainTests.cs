using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Samverkan.Actors;
using Samverkan.Actors.Grains;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Grains.Tests;

/// <summary>
/// Actors hosted as Orleans grains (<see cref="ActorGrain"/>) on real silos and PostgreSQL: the glue the old runtime's one
/// transaction hid. State and rows after restarts, command ids, effects between actors delivered once (and again after a
/// receiver failed), rows written once, timers by the service's clock and by reminders of a grain that was not active.
/// </summary>
public sealed class ActorGrainTests(PostgresServerFixture postgres)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StateAndRows_AreStored_AndANewSiloResumesFromThem()
    {
        await using var database = await CreateDatabaseAsync();
        await using (var silo = await StartAsync(database, TimeProvider.System))
        {
            var client = Client(silo);
            (await client.AskAsync<int>(Tally("a"), new Add(2), cancellationToken: Token)).ShouldBe(2);
            (await client.AskAsync<int>(Tally("a"), new Add(3), cancellationToken: Token)).ShouldBe(5);
        }

        // Rows were written before each answer, once per command.
        (await database.DataSource.ScalarAsync("select count(*) from tally_log where tally = 'a'", [], Token)).ShouldBe(2);
        (await database.DataSource.ScalarAsync("select max(total) from tally_log where tally = 'a'", [], Token)).ShouldBe(5);

        await using var next = await StartAsync(database, TimeProvider.System);
        (await Client(next).AskAsync<TallyState>(Tally("a"), new Read(), cancellationToken: Token))!.Total.ShouldBe(5);
        (await database.DataSource.ScalarAsync("select count(*) from tally_log where tally = 'a'", [], Token)).ShouldBe(2, "the activation wrote no row again");
    }

    [Fact]
    public async Task ARepeatedCommandId_GetsTheStoredReply_AndChangesNothing()
    {
        await using var database = await CreateDatabaseAsync();
        await using var silo = await StartAsync(database, TimeProvider.System);
        var client = Client(silo);

        (await client.AskAsync<int>(Tally("b"), new Add(2), "command-1", cancellationToken: Token)).ShouldBe(2);
        (await client.AskAsync<int>(Tally("b"), new Add(2), "command-1", cancellationToken: Token)).ShouldBe(2);
        (await client.SendAsync(Tally("b"), new Add(2), "command-1", Token)).ShouldBe(SendOutcome.Duplicate);
        (await client.AskAsync<int>(Tally("b"), new Add(2), "command-2", cancellationToken: Token)).ShouldBe(4);
        (await database.DataSource.ScalarAsync("select count(*) from tally_log where tally = 'b'", [], Token)).ShouldBe(2);
    }

    [Fact]
    public async Task ARallyBetweenTwoActors_IsDeliveredOnceEach_WithoutTheGrainsWaitingOnEachOther()
    {
        await using var database = await CreateDatabaseAsync();
        await using var silo = await StartAsync(database, TimeProvider.System);
        var client = Client(silo);

        await client.SendAsync(Tally("left"), new Serve("right", 40), cancellationToken: Token);
        await WaitUntilAsync(async () => await HitsAsync(client, "left") + await HitsAsync(client, "right") == 40, "forty hits");
        (await HitsAsync(client, "left")).ShouldBe(20);
        (await HitsAsync(client, "right")).ShouldBe(20);

        // A sender that lost the acknowledgement sends the same effect again: the receiver does not handle it twice.
        var grain = silo.Grains.GetGrain<IActorGrain>(GrainId.Create("tally", "right"));
        var again = new ActorEnvelope("test.hit.v1", JsonSerializer.Serialize(new Hit("left", 0), Json), EffectId: "tally/left/0");
        (await grain.DeliverAsync(again)).Repeated.ShouldBeTrue();
        (await HitsAsync(client, "right")).ShouldBe(20);
    }

    [Fact]
    public async Task AMessageTheReceiverFailedOn_IsSentAgain_UntilItIsHandledOnce()
    {
        await using var database = await CreateDatabaseAsync();
        await using var silo = await StartAsync(database, TimeProvider.System);
        var client = Client(silo);
        Interlocked.Exchange(ref TallyActor.FailHits, 3);
        try
        {
            await client.SendAsync(Tally("server"), new Serve("receiver", 1), cancellationToken: Token);
            await WaitUntilAsync(async () => await HitsAsync(client, "receiver") == 1, "the hit handled after three failures");
            Volatile.Read(ref TallyActor.FailHits).ShouldBeLessThan(0, "the receiver failed three times first");
            (await client.AskAsync<TallyState>(Tally("server"), new Read(), cancellationToken: Token))!.Hits.ShouldBe(0);
        }
        finally
        {
            Interlocked.Exchange(ref TallyActor.FailHits, -1);
        }

        await WaitUntilAsync(
            async () => await database.DataSource.ScalarAsync(
                "select count(*) from orleans_storage where grain_key_ext = 'server' and convert_from(payload, 'UTF8') like '%\"outbox\":[]%'", [], Token) == 1,
            "the delivered message gone from the sender's stored outbox");
        (await HitsAsync(client, "receiver")).ShouldBe(1);
    }

    [Fact]
    public async Task ARowGroupWrittenBefore_IsNotWrittenAgain()
    {
        await using var database = await CreateDatabaseAsync();
        await using var silo = await StartAsync(database, TimeProvider.System);
        var readModels = silo.Services.GetRequiredService<ActorGrainServices>().ReadModels;

        (await readModels.WriteAsync("tally/c", 7, [new TallyRow("c", 1)])).ShouldBeTrue();
        (await readModels.WriteAsync("tally/c", 7, [new TallyRow("c", 1)])).ShouldBeFalse("the group's number is recorded with its rows");
        (await readModels.WriteAsync("tally/c", 6, [new TallyRow("c", 0)])).ShouldBeFalse("an older group never follows a newer one");
        (await readModels.WriteAsync("tally/c", 8, [new TallyRow("c", 2)])).ShouldBeTrue();
        (await database.DataSource.ScalarAsync("select count(*) from tally_log where tally = 'c'", [], Token)).ShouldBe(2);
    }

    [Fact]
    public async Task ATimer_FiresWhenTheServicesClockReachesIt()
    {
        await using var database = await CreateDatabaseAsync();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 23, 7, 0, 0, TimeSpan.Zero));
        await using var silo = await StartAsync(database, clock);
        var client = Client(silo);

        await client.SendAsync(Tally("d"), new RemindAt(clock.GetUtcNow().AddDays(2), "two days on"), cancellationToken: Token);
        clock.Advance(TimeSpan.FromDays(1));
        (await NotesAsync(client, "d")).ShouldBeEmpty();
        clock.Advance(TimeSpan.FromDays(1));
        await WaitUntilAsync(async () => (await NotesAsync(client, "d")).Contains("two days on"), "the timer fired");
        (await database.DataSource.ScalarAsync("select count(*) from orleans_reminders where grain_id = 'tally/d'", [], Token))
            .ShouldBe(0, "no reminder is left once no timer is");
    }

    [Fact]
    public async Task ATimerOfAGrainThatIsNotActive_FiresFromItsReminder_OnAnotherSilo()
    {
        await using var database = await CreateDatabaseAsync();
        await using (var first = await StartAsync(database, TimeProvider.System))
        {
            await Client(first).SendAsync(Tally("evening"), new RemindAt(DateTimeOffset.UtcNow.AddSeconds(3), "after a restart"), cancellationToken: Token);
        }

        // The silo that had the grain is gone; only the reminder in PostgreSQL knows about the timer.
        await using var second = await StartAsync(database, TimeProvider.System);
        await WaitUntilAsync(
            async () => await database.DataSource.ScalarAsync(
                "select count(*) from orleans_storage where grain_key_ext = 'evening' and convert_from(payload, 'UTF8') like '%\"notes\":[\"after a restart\"]%'", [], Token) == 1,
            "the timer fired on the new silo without a call");
    }

    private static ActorId Tally(string key) => new("tally", key);

    private static async Task<int> HitsAsync(IActorClient client, string key) =>
        (await client.AskAsync<TallyState>(Tally(key), new Read(), cancellationToken: Token))!.Hits;

    private static async Task<IReadOnlyList<string>> NotesAsync(IActorClient client, string key) =>
        (await client.AskAsync<TallyState>(Tally(key), new Read(), cancellationToken: Token))!.Notes;

    private static GrainActorClient Client(SiloHost silo) =>
        new(silo.Grains, silo.Services.GetRequiredService<ActorGrainServices>());

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        DatabaseQueries.WaitUntilAsync(condition, what, Budget, TimeSpan.FromMilliseconds(50), null, Token);

    private async Task<TestDatabase> CreateDatabaseAsync()
    {
        var database = await postgres.CreateDatabaseAsync([OrleansProviderSchema.Source, new MigrationSource("actors", typeof(Samverkan.Actors.Grains.ActorGrain).Assembly)], Token);
        await using var command = database.DataSource.CreateCommand("create table tally_log (id bigint generated always as identity, tally text not null, total int not null)");
        await command.ExecuteNonQueryAsync(Token);
        return database;
    }

    private static Task<SiloHost> StartAsync(TestDatabase database, TimeProvider clock) =>
        SiloHost.StartAsync(database, "actor-grains", silo => silo.Services.AddSingleton(sp => new ActorGrainServices(
            database.DataSource,
            [new TallyActor()],
            [new TallyProjector()],
            clock,
            Json,
            signals: null,
            new ActorGrainOptions { ReminderPeriod = TimeSpan.FromSeconds(2), RedeliveryDelay = TimeSpan.FromMilliseconds(20) },
            sp.GetRequiredService<ILoggerFactory>())));
}
