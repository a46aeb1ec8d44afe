using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Health;

/// <summary>Ready when the database answers and every registered migration is applied.</summary>
internal sealed class DatabaseReadinessCheck(NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly MigrationSource[] _sources = [.. sources];
    private volatile bool _migrated;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (!_migrated)
            {
                // Applied migrations stay applied: once up to date, only reachability is checked.
                _migrated = await Migrator.IsUpToDateAsync(dataSource, _sources, timeout.Token).ConfigureAwait(false);
                return _migrated
                    ? HealthCheckResult.Healthy("The database answers and is migrated.")
                    : HealthCheckResult.Unhealthy("The database is not migrated yet.");
            }

            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The database answers and is migrated.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The exception's text can hold server details; the probe gets a plain sentence.
            return HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}
