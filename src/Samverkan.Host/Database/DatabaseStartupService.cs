using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Database;

/// <summary>
/// Applies migrations before any hosted service starts (so the actor runtime finds its tables), and stops the
/// private PostgreSQL server after every hosted service has stopped (so nothing loses its database mid-shutdown).
/// </summary>
internal sealed class DatabaseStartupService(
    SamverkanDatabase database,
    IServiceProvider services,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseStartupService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await database.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Value.MigrateOnStart)
        {
            DatabaseLog.MigrationsSkipped(logger);
            return;
        }

        await MigrateAsync(services, logger, cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => database.StopAsync(cancellationToken);

    /// <summary>Applies every registered <see cref="MigrationSource"/>.</summary>
    public static async Task<int> MigrateAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var sources = services.GetServices<MigrationSource>().ToArray();
        var applied = await Migrator.ApplyAsync(dataSource, sources, logger, cancellationToken).ConfigureAwait(false);
        DatabaseLog.Migrated(logger, applied, sources.Length);
        return applied;
    }
}
