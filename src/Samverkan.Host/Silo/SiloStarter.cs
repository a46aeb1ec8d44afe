using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Silo;

/// <summary>
/// Starts this node's silo once PostgreSQL answers and the provider schema is migrated, and stops it with the host, in
/// place of Orleans' own hosted service (which starts the silo inside the host's start, so a database that is down, or
/// migrations left to a deployment job, would keep the node from serving even <c>/health/live</c>). Until the silo is
/// active, readiness answers 503. The graceful stop (leaving the membership, handing off grains) is bounded, so a node
/// whose database is gone still stops.
/// </summary>
internal sealed partial class SiloStarter(Orleans.Runtime.Silo silo, NpgsqlDataSource database, ILogger<SiloStarter> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan AbandonedStop = TimeSpan.FromSeconds(5);

    private volatile bool _started;

    /// <summary>
    /// With the database there and migrated (the usual start), the silo joins within the host's start, so a started node
    /// is a cluster member; otherwise the host starts without it and <see cref="ExecuteAsync"/> waits for the database.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await SchemaReadyAsync(cancellationToken).ConfigureAwait(false))
        {
            await StartSiloAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waiting = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await SchemaReadyAsync(stoppingToken).ConfigureAwait(false))
            {
                await StartSiloAsync(stoppingToken).ConfigureAwait(false);
                return;
            }

            if (!waiting)
            {
                Log.Waiting(logger);
                waiting = true;
            }

            await Task.Delay(Poll, stoppingToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        // Leaving the cluster gracefully needs the membership table; without the database, stop at once (the survivors
        // declare this silo dead by its missed probes, as for a crash).
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var budget = AbandonedStop;
        if (await DatabaseAnswersAsync(cancellationToken).ConfigureAwait(false))
        {
            bounded.CancelAfter(GracefulStop);
            budget += GracefulStop;
        }
        else
        {
            await bounded.CancelAsync().ConfigureAwait(false);
        }

        // Measured: with the database gone even the non-graceful stop waits two minutes inside Orleans; past the budget
        // this node stops serving without waiting for it (the survivors treat it as crashed).
        var stopping = silo.StopAsync(bounded.Token);
        if (await Task.WhenAny(stopping, Task.Delay(budget, CancellationToken.None)).ConfigureAwait(false) != stopping)
        {
            Log.StopAbandoned(logger);
        }
    }

    private async Task StartSiloAsync(CancellationToken cancellationToken)
    {
        await silo.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
        Log.Started(logger);
    }

    private async Task<bool> SchemaReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await Migrator.IsUpToDateAsync(database, [OrleansProviderSchema.Source], timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<bool> DatabaseAnswersAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = database.CreateCommand("select count(*) from orleans_membership_version");
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4600, LogLevel.Information, "Waiting for PostgreSQL and the Orleans provider schema before starting the silo")]
        public static partial void Waiting(ILogger logger);

        [LoggerMessage(4601, LogLevel.Information, "The silo started and joined the cluster")]
        public static partial void Started(ILogger logger);

        [LoggerMessage(4602, LogLevel.Warning, "The silo did not stop within its budget; the node stops without waiting for it")]
        public static partial void StopAbandoned(ILogger logger);
    }
}
