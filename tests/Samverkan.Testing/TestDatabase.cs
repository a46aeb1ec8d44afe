using Npgsql;

namespace Samverkan.Testing;

/// <summary>A database of its own for one test; dropped (with any open connections) on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly PostgresServerFixture _fixture;
    private bool _disposed;

    internal TestDatabase(PostgresServerFixture fixture, string name, string connectionString)
    {
        _fixture = fixture;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    /// <summary>With user and password; for tests only.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await DataSource.DisposeAsync();
        await _fixture.DropDatabaseAsync(Name);
    }
}
