using Microsoft.Extensions.Options;
using Samverkan.Postgres;

namespace Samverkan.Host.Database;

/// <summary>
/// Where the database is: the configured <c>ConnectionStrings:Samverkan</c>, or else a private PostgreSQL server
/// started from the machine's binaries on first use and stopped when the host stops.
/// </summary>
internal sealed class SamverkanDatabase(
    IConfiguration configuration,
    IOptions<LocalPostgresOptions> localOptions,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<SamverkanDatabase>();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private LocalPostgresServer? _localServer;
    private string? _connectionString;

    /// <summary>The private server, when no connection string is configured and it has started.</summary>
    public LocalPostgresServer? LocalServer => _localServer;

    /// <summary>The connection string; starts the private server first when none is configured. Never log it.</summary>
    public async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is not null)
        {
            return _connectionString;
        }

        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connectionString is not null)
            {
                return _connectionString;
            }

            var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                DatabaseLog.UsingConfiguredDatabase(_logger);
                _connectionString = configured;
            }
            else
            {
                DatabaseLog.StartingLocalServer(_logger);
                _localServer = await LocalPostgresServer.StartAsync(
                    localOptions.Value, loggerFactory.CreateLogger<LocalPostgresServer>(), cancellationToken).ConfigureAwait(false);
                _connectionString = _localServer.ConnectionString;
            }

            return _connectionString;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Stops the private server, if one was started.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_localServer is { } server)
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_localServer is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _startLock.Dispose();
    }
}
