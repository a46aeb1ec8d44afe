using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Health;

/// <summary>
/// Ready once every registered migration is applied. Reachability is the <c>database</c> check's
/// (<c>AspNetCore.HealthChecks.NpgSql</c>); applied migrations stay applied, so once up to date this one asks no more.
/// </summary>
internal sealed class MigrationsReadinessCheck(NpgsqlDataSource dataSource, IEnumerable<MigrationSource> sources) : IHealthCheck
{
    private readonly MigrationSource[] _sources = [.. sources];
    private volatile bool _migrated;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_migrated)
        {
            return HealthCheckResult.Healthy("Every migration is applied.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthExtensions.DatabaseTimeout);
        try
        {
            _migrated = await Migrator.IsUpToDateAsync(dataSource, _sources, timeout.Token).ConfigureAwait(false);
            return _migrated
                ? HealthCheckResult.Healthy("Every migration is applied.")
                : HealthCheckResult.Unhealthy("The database is not migrated yet.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The exception's text can hold server details; the probe gets a plain sentence.
            return HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}
