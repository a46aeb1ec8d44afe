using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

[CollectionDefinition(nameof(AlertKillNineTests), DisableParallelization = true)]
public sealed class AlertKillNineTestsCollection;

/// <summary>
/// Two real host processes on one database. Alerts are produced for a person whose inbox is processed by node B while
/// streams watch from node A and from node B; node B is killed with SIGKILL mid-stream. Every alert must arrive exactly
/// once on each stream, the one on B resuming on A with Last-Event-ID.
/// </summary>
[Collection(nameof(AlertKillNineTests))]
public sealed class AlertKillNineTests(PostgresServerFixture postgres, ITestOutputHelper output)
{
    private const int Partitions = 8;
    private const string Pupil = "c_abcdefghijklmnopqrst";

    [Fact]
    public async Task KillNine_TheNodeProcessingTheInbox_WhileAlertsAreProduced_EveryAlertArrivesOnceOnEveryStream()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: cancellationToken);
        using var tokens = new TestTokens();
        var (urlA, urlB) = ($"http://127.0.0.1:{FreePort.Next()}", $"http://127.0.0.1:{FreePort.Next()}");
        await using var nodeA = await StartNodeAsync(database.ConnectionString, tokens, "node-a", urlA);
        await using var nodeB = await StartNodeAsync(database.ConnectionString, tokens, "node-b", urlB);
        await WaitUntilAsync(
            async () => await ScalarAsync(database.DataSource, "select count(*) from (select owner from actor_partitions where owner is not null group by owner having count(*) = 4) o") == 2,
            "each node holds half of the partitions");

        // A person whose inbox is in a partition node B holds.
        var partitionsOfB = new HashSet<int>();
        await using (var command = database.DataSource.CreateCommand(
            "select p.partition from actor_partitions p join actor_nodes n on n.node_id = p.owner where n.name = 'node-b'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                partitionsOfB.Add(reader.GetInt32(0));
            }
        }

        var staff = Enumerable.Range(0, 100).Select(i => $"p{i}").First(s => partitionsOfB.Contains(Partitioner.PartitionOf(CoordinationActors.InboxOf(new StaffId(s)), Partitions)));
        var token = tokens.Person(staff, "org-1280-skola", "1280", "School", "Counsellor");
        var onA = await SseClient.ConnectAsync(Client(urlA, token));
        var onB = await SseClient.ConnectAsync(Client(urlB, token));
        var receivedOnB = Collect(onB);

        // Produce alerts (durable sends, as a decision's effects are) from a client-only node, before and after the kill.
        await using var sender = await Sender.StartAsync(database.ConnectionString);
        var sent = new List<string>();
        var producing = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(8); i++)
            {
                var key = $"kill/{i}";
                await sender.DeliverAsync(staff, key);
                lock (sent)
                {
                    sent.Add(key);
                }

                await Task.Delay(20);
            }
        }, cancellationToken);

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        nodeB.Kill();
        var killedAt = Stopwatch.StartNew();
        await producing;
        output.WriteLine($"{sent.Count} alerts produced; node B killed {killedAt.Elapsed.TotalSeconds:0.0} s before the last");

        // The stream on B ended with the process: resume on A from the last id it got.
        var (firstOnB, endedOnB) = await receivedOnB;
        endedOnB.ShouldBeTrue("the stream on the killed node ends");
        var lastId = firstOnB.Count > 0 ? firstOnB[^1].Id : null;
        await using var resumed = await SseClient.ConnectAsync(Client(urlA, token), lastEventId: lastId);
        var afterResume = await CollectUntilAsync(resumed, sent.Count - firstOnB.Count);

        var onAlive = await CollectUntilAsync(onA, sent.Count);
        Keys(onAlive).ShouldBe(sent, "the stream on the surviving node: every alert once, in order");
        Keys([.. firstOnB, .. afterResume]).ShouldBe(sent, "the stream on the killed node, resumed with Last-Event-ID: every alert once, in order");
        (await resumed.UntilKeepAliveAsync()).ShouldBeEmpty("nothing more");
        (await onA.UntilKeepAliveAsync()).ShouldBeEmpty("nothing more");
        firstOnB.Count.ShouldBeGreaterThan(0, "B's stream got alerts before the kill");
        (await ScalarAsync(database.DataSource, "select count(*) from coord_alerts where staff_id = $1", staff)).ShouldBe(sent.Count);
        output.WriteLine($"B's stream got {firstOnB.Count} before the kill, {afterResume.Count} after resuming on A");
        await onB.DisposeAsync();
        await onA.DisposeAsync();
    }

    private static List<string> Keys(IEnumerable<SseEvent> events) => [.. events.Select(e => e.Json.GetProperty("alertKey").GetString()!)];

    /// <summary>Alerts from the stream until it ends (or the test gives up waiting): the events, and whether it ended.</summary>
    private static Task<(List<SseEvent> Events, bool Ended)> Collect(SseClient stream) => Task.Run(async () =>
    {
        var events = new List<SseEvent>();
        try
        {
            while (true)
            {
                var next = await stream.NextAsync(TimeSpan.FromSeconds(30));
                if (next.Event == "alert")
                {
                    lock (events)
                    {
                        events.Add(next);
                    }
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or HttpRequestException)
        {
            return (events, true);
        }
        catch (TimeoutException)
        {
            return (events, false);
        }
    });

    private static async Task<List<SseEvent>> CollectUntilAsync(SseClient stream, int count)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
        {
            events.Add(await stream.NextOfAsync("alert", TimeSpan.FromSeconds(90)));
        }

        return events;
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<HostProcess> StartNodeAsync(string connectionString, TestTokens tokens, string name, string url)
    {
        var node = HostProcess.Start(["--urls", url], new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Samverkan"] = connectionString,
            ["Samverkan__Authentication__Issuer"] = TestTokens.Issuer,
            ["Samverkan__Authentication__Audience"] = TestTokens.Audience,
            ["Samverkan__Authentication__Jwks"] = tokens.Jwks,
            ["Samverkan__Identity__PseudonymSecret"] = Convert.ToBase64String(new byte[48]),
            ["Samverkan__Actors__PartitionCount"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["Samverkan__Actors__LeaseTtl"] = "00:00:02",
            ["Samverkan__Actors__PollInterval"] = "00:00:00.200",
            ["Samverkan__Actors__NodeName"] = name,
            ["Samverkan__Alerts__KeepAliveInterval"] = "00:00:00.500",
            ["Samverkan__RateLimits__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        if (!await node.WaitUntilOkAsync(url + "/health/ready", TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken))
        {
            output.WriteLine(node.Output);
            await node.DisposeAsync();
            throw new TimeoutException($"{name} did not become ready.");
        }

        return node;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>A client-only node (it processes nothing): durable sends to inboxes, each retried with its key until stored.</summary>
    private sealed class Sender : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _dataSource;
        private readonly ActorHost _client;

        private Sender(string connectionString)
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
            var reference = new ReferenceData(_dataSource, TimeProvider.System, NullLogger<ReferenceData>.Instance);
            _client = new ActorHost(
                _dataSource,
                new ActorRuntimeOptions { PartitionCount = Partitions, ProcessMessages = false, NodeName = "sender" },
                [new InboxActor(reference)]);
        }

        public static async Task<Sender> StartAsync(string connectionString)
        {
            var sender = new Sender(connectionString);
            await sender._client.StartAsync();
            return sender;
        }

        public async Task DeliverAsync(string staff, string key)
        {
            var message = new DeliverAlert(AlertsHost.Alert(staff, caseId: null, DateTimeOffset.UtcNow), key);
            while (true)
            {
                try
                {
                    await _client.Client.SendAsync(CoordinationActors.InboxOf(new StaffId(staff)), message, "deliver:" + key);
                    return;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    await Task.Delay(50);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            await _dataSource.DisposeAsync();
        }
    }
}
