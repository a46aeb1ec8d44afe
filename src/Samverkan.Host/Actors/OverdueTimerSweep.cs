using Npgsql;
using Samverkan.Actors;
using Samverkan.Actors.Grains;
using Samverkan.Domain.Common;

namespace Samverkan.Host.Actors;

/// <summary>
/// Once this node's silo is an active cluster member, wakes every actor grain that holds a timer already due by the
/// service's clock: the deadlines that came due while no silo ran (a full stop of the deployment, a restore from a
/// backup). An active grain fires its timers on its own, and an inactive one is woken by its Orleans reminder, but
/// Orleans skips the ticks a reminder missed while no silo ran: without this sweep such a deadline would fire only at
/// the reminder's next tick (hourly). Once per node start; a grain woken twice (by several nodes starting together)
/// fires each timer once.
/// </summary>
internal sealed partial class OverdueTimerSweep(
    ISiloStatusOracle membership,
    IGrainFactory grains,
    NpgsqlDataSource database,
    ServiceClock clock,
    IEnumerable<ActorBase> actors,
    ILogger<OverdueTimerSweep> logger) : BackgroundService
{
    private const int Parallelism = 8;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (membership.CurrentStatus != SiloStatus.Active)
        {
            await Task.Delay(Poll, stoppingToken).ConfigureAwait(false);
        }

        var types = actors.Select(a => a.TypeName).Distinct(StringComparer.Ordinal).ToArray();
        List<(string Type, string Key)> overdue;
        while (true)
        {
            try
            {
                overdue = await ReadOverdueAsync(types, stoppingToken).ConfigureAwait(false);
                break;
            }
            catch (NpgsqlException exception)
            {
                Log.ReadFailed(logger, exception);
                await Task.Delay(RetryAfter, stoppingToken).ConfigureAwait(false);
            }
        }

        if (overdue.Count == 0)
        {
            return;
        }

        var failed = 0;
        await Parallel.ForEachAsync(
            overdue,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
            async (grain, _) =>
            {
                try
                {
                    await grains.GetGrain<IActorGrain>(GrainId.Create(grain.Type, grain.Key)).TickAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Its reminder still wakes it later.
                    Interlocked.Increment(ref failed);
                    Log.TickFailed(logger, exception, grain.Type);
                }
            }).ConfigureAwait(false);
        Log.Swept(logger, overdue.Count - failed, failed);
    }

    private async Task<List<(string Type, string Key)>> ReadOverdueAsync(string[] types, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "select distinct actor_type, actor_key from actor_grain_timers where actor_type = any($1) and due_at <= $2");
        command.Parameters.Add(new NpgsqlParameter { Value = types });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(4620, LogLevel.Information, "Woke {Woken} actor grains with deadlines that came due while no silo ran ({Failed} failed; their reminders wake them later)")]
        public static partial void Swept(ILogger logger, int woken, int failed);

        [LoggerMessage(4621, LogLevel.Warning, "An actor grain of type {ActorType} with an overdue deadline could not be woken")]
        public static partial void TickFailed(ILogger logger, Exception exception, string actorType);

        [LoggerMessage(4622, LogLevel.Warning, "The overdue deadlines could not be read; trying again")]
        public static partial void ReadFailed(ILogger logger, Exception exception);
    }
}
