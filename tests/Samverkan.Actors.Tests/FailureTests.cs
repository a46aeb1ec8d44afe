using System.Diagnostics;
using Npgsql;
using Samverkan.Actors.TestNode;
using Samverkan.Postgres;
using Samverkan.Testing;

namespace Samverkan.Actors.Tests;

[CollectionDefinition(nameof(FailureTests), DisableParallelization = true)]
public sealed class FailureTestsCollection;

/// <summary>
/// Crashes, pauses and database restarts with real OS processes. A sender streams recorder messages with
/// per-actor sequence numbers and deduplication keys, retrying each batch until it is acknowledged; afterwards
/// every acknowledged message must have exactly one effect, in order.
/// </summary>
[Collection(nameof(FailureTests))]
public sealed class FailureTests(PostgresServerFixture postgres, ITestOutputHelper output)
{
    private const int Partitions = 24;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task KillNine_OneOfThreeNodesUnderLoad_EveryAcknowledgedMessageOnce_AndItsPartitionsResumeWithinTtlPlusTwoSeconds()
    {
        await using var database = await postgres.CreateDatabaseAsync(TestActors.Migrations, TestContext.Current.CancellationToken);
        await using var nodes = new NodeSet();
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await NodeProcess.StartAsync(database.ConnectionString, $"n{i}", Ttl, Partitions));
        }

        await WaitForFairShareAsync(database.DataSource, 3);
        await using var sender = await LoadSender.StartAsync(database.ConnectionString, actors: 100, messagesPerSecond: 500);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        var victim = nodes[0];
        victim.Kill();
        var killedAt = Stopwatch.StartNew();
        await WaitUntilAsync(
            async () => await ScalarAsync(database.DataSource, "select count(*) from actor_partitions where owner = $1 or owner is null or lease_expires_at < now()", victim.NodeId) == 0,
            TimeSpan.FromSeconds(20),
            "the killed node's partitions taken over");
        var takeover = killedAt.Elapsed;
        output.WriteLine($"partitions of the killed node taken over after {takeover.TotalSeconds:0.00} s (TTL {Ttl.TotalSeconds} s)");

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var sent = await sender.StopAsync();
        await AssertExactlyOnceInOrderAsync(database.DataSource, sent);
        takeover.ShouldBeLessThan(Ttl + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Sigstop_PastTheLeaseTtl_NoneOfThePausedNodesCommitsIsAcceptedAfterItsLeaseIsLost()
    {
        await using var database = await postgres.CreateDatabaseAsync(TestActors.Migrations, TestContext.Current.CancellationToken);
        await using var nodes = new NodeSet();
        for (var i = 0; i < 3; i++)
        {
            // Slow handlers keep every node inside a batch (between taking messages and committing) most of the time.
            nodes.Add(await NodeProcess.StartAsync(database.ConnectionString, $"n{i}", Ttl, Partitions, TimeSpan.FromMilliseconds(3)));
        }

        await WaitForFairShareAsync(database.DataSource, 3);
        await using var sender = await LoadSender.StartAsync(database.ConnectionString, actors: 100, messagesPerSecond: 400);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        // Make sure the node is inside a batch when it stops: a message whose handler takes 4 s, to an actor in one of
        // its partitions, taken a second before the pause (without it the pause could land between two batches, and
        // there would be no late commit to refuse).
        var paused = nodes[0];
        var partition = (int)await ScalarAsync(database.DataSource, "select partition from actor_partitions where owner = $1 order by partition limit 1", paused.NodeId);
        var slow = Enumerable.Range(0, 10_000).Select(i => new ActorId(CounterActor.Name, $"slow-{i}")).First(id => Partitioner.PartitionOf(id, Partitions) == partition);
        await sender.Client.SendAsync(slow, new Slow(4000), cancellationToken: TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await paused.PauseAsync();
        await WaitUntilAsync(
            async () => await ScalarAsync(database.DataSource, "select count(*) from actor_partitions where owner = $1", paused.NodeId) == 0,
            TimeSpan.FromSeconds(20),
            "the paused node's partitions taken over");
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await paused.ResumeAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        var sent = await sender.StopAsync();
        await AssertExactlyOnceInOrderAsync(database.DataSource, sent);
        // The resumed node tried to commit the batch it held when paused, and the fencing check refused it.
        paused.Output.ShouldContain(line => line.Contains("lease moved on", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostgresRestart_MidFlow_NodesRecoverByThemselves_AndNothingAcknowledgedIsLost()
    {
        // A server of its own: restarting the shared one would disturb the other tests.
        await using var server = await LocalPostgresServer.StartAsync(
            new LocalPostgresOptions { Ephemeral = true, Durable = false, Database = "restart" }, cancellationToken: TestContext.Current.CancellationToken);
        await using (var setup = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await Migrator.ApplyAsync(setup, TestActors.Migrations, cancellationToken: TestContext.Current.CancellationToken);
        }

        await using var nodes = new NodeSet();
        for (var i = 0; i < 2; i++)
        {
            nodes.Add(await NodeProcess.StartAsync(server.ConnectionString, $"n{i}", Ttl, Partitions));
        }

        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await WaitForFairShareAsync(dataSource, 2);
        await using var sender = await LoadSender.StartAsync(server.ConnectionString, actors: 50, messagesPerSecond: 300);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        await server.RestartAsync(TestContext.Current.CancellationToken);
        output.WriteLine($"PostgreSQL restarted; sender retried {sender.Failures} failed batches so far");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        var sent = await sender.StopAsync();
        sender.Failures.ShouldBeGreaterThan(0);
        await AssertExactlyOnceInOrderAsync(dataSource, sent, TimeSpan.FromSeconds(60));
    }

    private async Task AssertExactlyOnceInOrderAsync(NpgsqlDataSource dataSource, long sent, TimeSpan? patience = null)
    {
        output.WriteLine($"acknowledged messages: {sent}");
        await WaitUntilAsync(
            async () => await ScalarAsync(dataSource, "select count(*) from (select distinct actor_key, seq from test_effects) d") >= sent,
            patience ?? TimeSpan.FromSeconds(45),
            $"{sent} distinct effects");
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        (await ScalarAsync(dataSource, "select count(*) from (select distinct actor_key, seq from test_effects) d")).ShouldBe(sent);
        (await ScalarAsync(dataSource, "select count(*) from test_effects")).ShouldBe(sent, "an effect was committed twice");
        (await ScalarAsync(dataSource, "select count(*) from test_violations")).ShouldBe(0, "per-actor order was broken");
        (await ScalarAsync(dataSource, "select count(*) from actor_dead_letters")).ShouldBe(0);
    }

    private static async Task WaitForFairShareAsync(NpgsqlDataSource dataSource, int nodes) =>
        await WaitUntilAsync(
            async () => await ScalarAsync(dataSource, "select count(distinct owner) from actor_partitions where lease_expires_at > now()") == nodes
                        && await ScalarAsync(dataSource, "select count(*) from actor_partitions where owner is null or lease_expires_at < now()") == 0,
            TimeSpan.FromSeconds(30),
            $"partitions shared by {nodes} nodes");

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (NpgsqlException) when (deadline.Elapsed < timeout)
            {
                // The database may be restarting.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(50);
        }
    }

    private sealed class NodeSet : List<NodeProcess>, IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var node in this)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Streams Record messages round-robin over the actors, each batch retried with its keys until acknowledged.</summary>
    private sealed class LoadSender : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly NpgsqlDataSource _dataSource;
        private readonly ActorHost _client;
        private Task<long> _loop = Task.FromResult(0L);
        private int _failures;

        private LoadSender(string connectionString)
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
            _client = new ActorHost(
                _dataSource,
                new ActorRuntimeOptions { PartitionCount = Partitions, ProcessMessages = false, NodeName = "sender" },
                TestActors.Actors("sender"));
        }

        public int Failures => Volatile.Read(ref _failures);

        public IActorClient Client => _client.Client;

        public static async Task<LoadSender> StartAsync(string connectionString, int actors, int messagesPerSecond)
        {
            var sender = new LoadSender(connectionString);
            await sender._client.StartAsync();
            sender._loop = Task.Run(() => sender.RunAsync(actors, messagesPerSecond));
            return sender;
        }

        public async Task<long> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            await _client.DisposeAsync();
            await _dataSource.DisposeAsync();
            _stop.Dispose();
        }

        private async Task<long> RunAsync(int actors, int messagesPerSecond)
        {
            const int BatchesPerSecond = 20;
            var perBatch = Math.Max(1, messagesPerSecond / BatchesPerSecond);
            var sequences = new long[actors];
            long sent = 0;
            var next = 0;
            var clock = Stopwatch.StartNew();
            var batches = 0L;
            while (!_stop.IsCancellationRequested)
            {
                var batch = new List<ActorMessage>(perBatch);
                for (var i = 0; i < perBatch; i++)
                {
                    var actor = next++ % actors;
                    var seq = ++sequences[actor];
                    batch.Add(new ActorMessage(new ActorId(RecorderActor.Name, $"r{actor}"), new TestNode.Record(seq), $"r{actor}/{seq}"));
                }

                // Retry until acknowledged: the keys make retries safe. The batch is counted only once acknowledged.
                while (true)
                {
                    try
                    {
                        await _client.Client.SendBatchAsync(batch);
                        sent += batch.Count;
                        break;
                    }
                    catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
                    {
                        Interlocked.Increment(ref _failures);
                        await Task.Delay(100);
                    }
                }

                batches++;
                var due = TimeSpan.FromSeconds(batches / (double)BatchesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            return sent;
        }
    }
}
