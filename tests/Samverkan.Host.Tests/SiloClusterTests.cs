using System.Diagnostics;
using System.Globalization;
using System.Net;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>
/// Nodes as real processes on one database form one Orleans cluster by themselves, and a node lost without a goodbye
/// (kill -9, or a host that stops answering) is declared dead while the others keep serving.
/// </summary>
public sealed class SiloClusterTests(PostgresServerFixture postgres)
{
    // Budgets for conditions, not sleeps: generous enough for a loaded 2-core machine (CI may share it).
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan DeclaredDeadWithin = TimeSpan.FromMinutes(2);

    // Orleans' SiloStatus values as the membership table stores them.
    private const int Active = 3;
    private const int Dead = 6;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNodes_FormOneCluster_AndANodeKilledWithoutAGoodbye_IsDeclaredDead_WhileTheOtherStaysReady()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        var (a, b) = await TwoActiveNodesAsync(database);
        await using var first = a;
        await using var second = b;

        var clock = Stopwatch.StartNew();
        first.Process.Kill();
        await WaitForStatusAsync(database, first, Dead);
        TestContext.Current.TestOutputHelper?.WriteLine($"kill -9: declared dead after {clock.Elapsed.TotalSeconds:F1} s");

        (await second.ReadyAsync()).ShouldBe(HttpStatusCode.OK, second.Process.Output);
        (await StatusAsync(database, second)).ShouldBe(Active);
    }

    [Fact]
    public async Task ANodePausedPastTheMembershipTimeout_IsDeclaredDead_AndOnResumingLeavesInsteadOfServingAsAMember()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        var (a, b) = await TwoActiveNodesAsync(database);
        await using var paused = a;
        await using var survivor = b;

        // SIGSTOP: the process holds its sockets but answers nothing, as a host that froze or lost its network.
        var clock = Stopwatch.StartNew();
        await paused.Process.SignalAsync("STOP");
        try
        {
            await WaitForStatusAsync(database, paused, Dead);
            TestContext.Current.TestOutputHelper?.WriteLine($"SIGSTOP: declared dead after {clock.Elapsed.TotalSeconds:F1} s");
            (await survivor.ReadyAsync()).ShouldBe(HttpStatusCode.OK, survivor.Process.Output);
        }
        finally
        {
            await paused.Process.SignalAsync("CONT");
        }

        // Resumed, it reads that it was declared dead and stops being a member: its silo shuts down and the process
        // exits (an orchestrator starts a fresh one), so it never serves a grain the cluster has moved elsewhere.
        clock.Restart();
        (await paused.Process.WaitForExitAsync(DeclaredDeadWithin)).ShouldBeTrue(paused.Process.Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"SIGCONT: the process exited after {clock.Elapsed.TotalSeconds:F1} s, code {paused.Process.ExitCode}");
        (await StatusAsync(database, paused)).ShouldBe(Dead);
        (await survivor.ReadyAsync()).ShouldBe(HttpStatusCode.OK, survivor.Process.Output);
    }

    /// <summary>Two nodes on the database, each ready and an active member; stopped again if that fails.</summary>
    private static async Task<(Node First, Node Second)> TwoActiveNodesAsync(TestDatabase database)
    {
        var first = Node.Start(database);
        var second = Node.Start(database);
        try
        {
            foreach (var node in new[] { first, second })
            {
                await node.WaitReadyAsync();
                await WaitForStatusAsync(database, node, Active);
            }

            return (first, second);
        }
        catch
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitForStatusAsync(TestDatabase database, Node node, int status)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (status == Dead ? DeclaredDeadWithin : ReadyWithin))
        {
            if (await StatusAsync(database, node) == status)
            {
                return;
            }

            await Task.Delay(100, Token);
        }

        throw new TimeoutException($"The node on silo port {node.SiloPort} did not reach status {status}: {await MembershipAsync(database)}\n{node.Process.Output}");
    }

    /// <summary>The newest incarnation's status of the silo on this port.</summary>
    private static async Task<int?> StatusAsync(TestDatabase database, Node node)
    {
        await using var command = database.DataSource.CreateCommand(
            "select status from orleans_membership where port = $1 order by generation desc limit 1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = node.SiloPort });
        return await command.ExecuteScalarAsync(Token) is int status ? status : null;
    }

    private static async Task<string> MembershipAsync(TestDatabase database)
    {
        await using var command = database.DataSource.CreateCommand(
            "select coalesce(string_agg(port || ':' || status, ', ' order by port), 'no rows') from orleans_membership");
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }

    private sealed class Node : IAsyncDisposable
    {
        private Node(HostProcess process, string url, int siloPort)
        {
            Process = process;
            Url = url;
            SiloPort = siloPort;
        }

        public HostProcess Process { get; }

        public string Url { get; }

        public int SiloPort { get; }

        /// <summary>A node as "Several nodes" in the README runs it: Development on a shared database, no demo data.</summary>
        public static Node Start(TestDatabase database)
        {
            var url = "http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture);
            var siloPort = FreePort.Next();
            var process = HostProcess.Start(["--urls", url], new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Samverkan"] = database.ConnectionString,
                ["Samverkan__Demo__Enabled"] = "false",
                ["Samverkan__Silo__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
                ["Samverkan__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            });
            return new Node(process, url, siloPort);
        }

        public async Task WaitReadyAsync() =>
            (await Process.WaitUntilOkAsync(Url + "/health/ready", ReadyWithin, Token)).ShouldBeTrue(Process.Output);

        public async Task<HttpStatusCode> ReadyAsync()
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await client.GetAsync(Url + "/health/ready", Token);
            return response.StatusCode;
        }

        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }
}
