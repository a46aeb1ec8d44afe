using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors.Projections;

namespace Samverkan.Actors.Grains;

/// <summary>How actor grains behave; the defaults suit production.</summary>
public sealed class ActorGrainOptions
{
    /// <summary>How many effect ids and command ids a grain remembers (a sender redelivers within seconds; callers retry soon).</summary>
    public int DeduplicationWindow { get; set; } = 128;

    /// <summary>The period of the reminder that wakes a grain with timers or undelivered effects when nothing else does.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first wait before an undelivered message is sent again; doubled per failure up to <see cref="MaxRedeliveryDelay"/>.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRedeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After this many failed deliveries a message is given up (logged as an error): one broken receiver must not block the sender.</summary>
    public int MaxDeliveryAttempts { get; set; } = 20;
}

/// <summary>What every actor grain of a silo shares: the actor types, the projectors, the service's clock, the signals.</summary>
public sealed class ActorGrainServices
{
    public ActorGrainServices(
        NpgsqlDataSource dataSource,
        IEnumerable<ActorBase> actors,
        IEnumerable<IProjector> projectors,
        TimeProvider serviceClock,
        JsonSerializerOptions json,
        IActorSignals? signals,
        ActorGrainOptions options,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(projectors);
        ArgumentNullException.ThrowIfNull(serviceClock);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Registry = new ActorRegistry(actors, json);
        Projectors = projectors.ToFrozenDictionary(p => p.RowType);
        RowTypes = Projectors.Keys.ToFrozenDictionary(t => t.FullName!, t => t, StringComparer.Ordinal);
        ReadModels = new ActorGrainReadModels(dataSource, Projectors);
        Clock = serviceClock;
        Signals = signals;
        Options = options;
        Logger = loggerFactory.CreateLogger("Samverkan.Actors.Grains");
    }

    public TimeProvider Clock { get; }

    public ActorGrainOptions Options { get; }

    internal ActorRegistry Registry { get; }

    internal FrozenDictionary<Type, IProjector> Projectors { get; }

    internal FrozenDictionary<string, Type> RowTypes { get; }

    internal ActorGrainReadModels ReadModels { get; }

    internal IActorSignals? Signals { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Builds the serializers' metadata of every state and message type (tens of milliseconds for a large state), so the
    /// first message of a kind after a silo starts does not pay for it. Answers how many types were prepared.
    /// </summary>
    public int PrepareSerializers() => Registry.PrepareSerializers();
}

/// <summary>
/// The one writer of read-model rows. An actor grain's rows are written exactly once per group: the group's number is
/// recorded in <c>actor_grain_marks</c> in the same transaction, and a group whose number is not above the recorded one
/// is skipped (it was written before the grain knew it: a node lost between the two). The reference grains' rows
/// (<see cref="IReadModels"/>) carry their state's version instead, which the projectors' upserts are guarded by.
/// </summary>
internal sealed class ActorGrainReadModels(NpgsqlDataSource dataSource, FrozenDictionary<Type, IProjector> projectors) : IReadModels
{
    public async Task WriteAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        ProjectionRuns.Write(rows, projectors, new ProjectionWriter(batch));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private const string MarkSql = """
        insert into actor_grain_marks (grain, number) values ($1, $2)
        on conflict (grain) do update set number = excluded.number where actor_grain_marks.number < excluded.number
        returning number
        """;

    /// <summary>Answers false when the group was written before.</summary>
    public async Task<bool> WriteAsync(string grain, long number, IReadOnlyList<object> rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var mark = new NpgsqlCommand(MarkSql, connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = grain });
            mark.Parameters.Add(new NpgsqlParameter { Value = number });
            if (await mark.ExecuteScalarAsync().ConfigureAwait(false) is null)
            {
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        ProjectionRuns.Write(rows, projectors, new ProjectionWriter(batch));
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return true;
    }
}
