using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors.TestNode;
using Samverkan.Testing;

namespace Samverkan.Actors.Tests;

/// <summary>Nodes of the actor runtime in this process, each with its own connection pool, on a fresh database.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly List<(ActorHost Host, NpgsqlDataSource DataSource)> _nodes = [];
    private readonly ILoggerFactory _loggers;

    private TestCluster(string connectionString, TestDatabase? database, ITestOutputHelper output, int partitions, TimeSpan ttl)
    {
        ConnectionString = connectionString;
        Database = database;
        Partitions = partitions;
        Ttl = ttl;
        _loggers = LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output, LogLevel.Warning)));
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public TestDatabase? Database { get; }

    public NpgsqlDataSource DataSource { get; }

    public int Partitions { get; }

    public TimeSpan Ttl { get; }

    public IReadOnlyList<ActorHost> Nodes => [.. _nodes.Select(n => n.Host)];

    public IActorClient Client => _nodes[0].Host.Client;

    public static async Task<TestCluster> CreateAsync(PostgresServerFixture postgres, ITestOutputHelper output, int partitions = 16, TimeSpan? ttl = null)
    {
        var database = await postgres.CreateDatabaseAsync(TestActors.Migrations);
        return new TestCluster(database.ConnectionString, database, output, partitions, ttl ?? TimeSpan.FromSeconds(3));
    }

    public static TestCluster OnServer(string connectionString, ITestOutputHelper output, int partitions = 16, TimeSpan? ttl = null) =>
        new(connectionString, null, output, partitions, ttl ?? TimeSpan.FromSeconds(3));

    public async Task<ActorHost> StartNodeAsync(string name, TimeProvider? time = null, bool processMessages = true, int batchSize = 512)
    {
        var dataSource = NpgsqlDataSource.Create(ConnectionString);
        var host = new ActorHost(
            dataSource,
            new ActorRuntimeOptions
            {
                PartitionCount = Partitions,
                LeaseTtl = Ttl,
                NodeName = name,
                PollInterval = TimeSpan.FromMilliseconds(200),
                ProcessMessages = processMessages,
                BatchSize = batchSize,
            },
            TestActors.Actors(name),
            TestActors.Projectors(),
            time,
            _loggers);
        _nodes.Add((host, dataSource));
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    public async Task StopNodeAsync(ActorHost host)
    {
        var node = _nodes.Single(n => n.Host == host);
        await node.Host.DisposeAsync();
        await node.DataSource.DisposeAsync();
        _nodes.Remove(node);
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (host, dataSource) in _nodes)
        {
            await host.DisposeAsync();
            await dataSource.DisposeAsync();
        }

        _nodes.Clear();
        await DataSource.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        _loggers.Dispose();
    }
}
