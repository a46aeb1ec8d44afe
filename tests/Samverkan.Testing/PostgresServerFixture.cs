using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Samverkan.Postgres;
using Xunit;

namespace Samverkan.Testing;

/// <summary>
/// One real PostgreSQL server per test assembly (non-durable, deleted at the end):
/// <c>[assembly: AssemblyFixture(typeof(PostgresServerFixture))]</c>, then take it in a test class constructor.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _templates = new(StringComparer.Ordinal);
    private LocalPostgresServer? _server;

    /// <summary>The server; available once the fixture is initialised.</summary>
    public LocalPostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    public async ValueTask InitializeAsync()
    {
        _server = await LocalPostgresServer.StartAsync(new LocalPostgresOptions
        {
            Ephemeral = true,
            Durable = false,
            Database = "postgres",
            MaxConnections = 300,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// A fresh, uniquely named database, migrated with <paramref name="migrations"/> when given; dropped on dispose.
    /// Each distinct set of sources is migrated once into a template database that later databases are copied from.
    /// </summary>
    public async Task<TestDatabase> CreateDatabaseAsync(IEnumerable<MigrationSource>? migrations = null, CancellationToken cancellationToken = default)
    {
        var sources = migrations?.ToArray() ?? [];
        var template = "template0";
        if (sources.Length > 0)
        {
            var key = string.Join("|", sources.Select(s => s.Module + "@" + s.Assembly.FullName));
            var lazy = _templates.GetOrAdd(key, _ => new Lazy<Task<string>>(() => CreateTemplateAsync(sources)));
            try
            {
                template = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (lazy.Value.IsFaulted)
            {
                // A failed template (for example a broken migration being fixed) is retried by the next caller.
                _templates.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, lazy));
                throw;
            }
        }

        var name = NewName("test");
        await CreateDatabaseFromAsync(name, template, cancellationToken);
        return new TestDatabase(this, name, Server.GetConnectionString(name));
    }

    internal async Task DropDatabaseAsync(string name)
    {
        await using var connection = await OpenAdminConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> CreateTemplateAsync(IReadOnlyList<MigrationSource> sources)
    {
        var name = NewName("template");
        await CreateDatabaseFromAsync(name, "template0", CancellationToken.None);
        var connectionString = new NpgsqlConnectionStringBuilder(Server.GetConnectionString(name)) { Pooling = false }.ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            await Migrator.ApplyAsync(dataSource, sources);
        }

        return name;
    }

    private async Task CreateDatabaseFromAsync(string name, string template, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {Quote(name)} TEMPLATE {Quote(template)}", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
            {
                // Another copy of the same template is being made at this instant.
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAdminConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Server.GetConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static string NewName(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}");

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
