using Npgsql;

namespace Samverkan.Actors;

/// <summary>
/// Retention over the runtime's own tables, so that callers (the host's culling job) never name them. An actor's state
/// and timers are deleted by the actor itself (<see cref="IActorContext{TState}.DeleteState"/>, from a message it
/// handles), so an activation in memory cannot write them back; what is left for this class is what no actor owns:
/// processed requests (deduplication keys and stored replies) and dead letters.
/// </summary>
public sealed class ActorMaintenance(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Deletes at most <paramref name="limit"/> dead letters that failed more than <paramref name="age"/> ago; answers how
    /// many. Ages here are measured on the database's clock, which wrote the rows' times.
    /// </summary>
    public Task<int> DeleteDeadLettersAsync(TimeSpan age, int limit, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "delete from actor_dead_letters where id in (select id from actor_dead_letters where failed_at < now() - $1 order by id limit $2)",
            cancellationToken, age, limit);

    /// <summary>Deletes every dead letter of the given actors (of one type), e.g. of records that were culled; answers how many.</summary>
    public Task<int> DeleteDeadLettersOfAsync(string actorType, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 0
            ? Task.FromResult(0)
            : ExecuteAsync("delete from actor_dead_letters where actor_type = $1 and actor_key = any ($2)", cancellationToken, actorType, keys.ToArray());
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> processed requests (deduplication keys and their stored replies) made more
    /// than <paramref name="age"/> ago (database clock); a retry of one of them after this is treated as new. Answers how many.
    /// </summary>
    public Task<int> DeleteProcessedRequestsAsync(TimeSpan age, int limit, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            delete from actor_requests where request_id in (
                select request_id from actor_requests where completed_at is not null and created_at < now() - $1 limit $2)
            """,
            cancellationToken, age, limit);

    /// <summary>
    /// The persisted state of an actor whose type moved onto an Orleans grain: the grain reads it once, on its first
    /// activation, and from then on keeps its own. Null when the actor never persisted state.
    /// </summary>
    public async Task<PersistedActorState?> ReadStateAsync(ActorId actor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select state_version, state::text from actor_state where actor_type = $1 and actor_key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = actor.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = actor.Key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new PersistedActorState(reader.GetInt32(0), reader.GetString(1))
            : null;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An actor's state as the runtime persisted it: its schema version and its JSON.</summary>
public sealed record PersistedActorState(int StateVersion, string Json);
