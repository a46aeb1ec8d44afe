using Samverkan.Domain.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Retention;
using Samverkan.Domain.Cases;

namespace Samverkan.Host.Retention;

/// <summary>What one run culled, per record kind.</summary>
public sealed record RetentionReport(bool Ran, int ClosedCases, int Concerns);

/// <summary>
/// One culling run: under a PostgreSQL advisory lock (one node at a time), it deletes what has been kept long enough.
/// Records are aged on the host's clock (<see cref="TimeProvider"/>, as they were stamped); the runtime's rows on the
/// database's clock, which stamped them.
/// Records owned by actors (a closed case, a child's concerns) are culled by their grain, which deletes its state and
/// timers in one write and then its read-model rows; the commands it remembers go with its state.
/// Logs counts per kind, never ids.
/// </summary>
public sealed class RetentionJob(
    NpgsqlDataSource dataSource,
    IActorClient actors,
    IOptions<RetentionOptions> options,
    ServiceClock time,
    ILogger<RetentionJob> logger)
{
    /// <summary>The advisory lock key of the culling job ("samv-ret").</summary>
    public const long LockKey = 0x73616d762d726574;

    public async Task<RetentionReport> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!await TryLockAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            RetentionLog.Skipped(logger);
            return new RetentionReport(false, 0, 0);
        }

        try
        {
            var now = time.GetUtcNow();
            var cases = await CullClosedCasesAsync(now.AddDays(-settings.ClosedCasesDays), settings.BatchSize, cancellationToken).ConfigureAwait(false);
            var concerns = await CullConcernsAsync(now.AddMonths(-settings.ConcernsWithoutInvestigationMonths), settings.BatchSize, cancellationToken)
                .ConfigureAwait(false);
            RetentionLog.Culled(logger, cases, "closed cases", settings.ClosedCasesDays);
            RetentionLog.CulledMonths(logger, concerns, "concerns without investigation", settings.ConcernsWithoutInvestigationMonths);
            return new RetentionReport(true, cases, concerns);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
            unlock.Parameters.Add(new NpgsqlParameter { Value = LockKey });
            await unlock.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<int> CullClosedCasesAsync(DateTimeOffset closedBefore, int batchSize, CancellationToken cancellationToken)
    {
        var culled = 0;
        var deferred = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var due = await DueCasesAsync(closedBefore, batchSize + deferred.Count, cancellationToken).ConfigureAwait(false);
            var batch = due.Where(id => !deferred.Contains(id)).Take(batchSize).ToList();
            if (batch.Count == 0)
            {
                break;
            }

            var done = new List<string>();
            foreach (var id in batch)
            {
                try
                {
                    // The actor decides again on its own state: a case reopened meanwhile (it cannot be) or not yet due stays.
                    if (await actors.AskAsync<bool>(CoordinationActors.CaseOf(new CaseId(id)), new CullCase(closedBefore), cancellationToken: cancellationToken)
                            .ConfigureAwait(false))
                    {
                        done.Add(id);
                    }
                    else
                    {
                        deferred.Add(id);
                    }
                }
                catch (ActorTimeoutException)
                {
                    deferred.Add(id);
                }
            }

            culled += done.Count;
        }

        if (deferred.Count > 0)
        {
            RetentionLog.Deferred(logger, deferred.Count, "closed cases");
        }

        return culled;
    }

    /// <summary>Asks each child with a concern decided "no investigation" before the cut-off to cull what is due (the actor decides).</summary>
    private async Task<int> CullConcernsAsync(DateTimeOffset watchEndedBefore, int batchSize, CancellationToken cancellationToken)
    {
        var culled = 0;
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var deferred = 0;
        while (true)
        {
            var due = await QueryIdsAsync(
                "select distinct child_key from coord_concerns where outcome = 'NotOpened' and decided_at < $1 order by child_key limit $2",
                watchEndedBefore, batchSize + asked.Count, cancellationToken).ConfigureAwait(false);
            var batch = due.Where(asked.Add).Take(batchSize).ToList();
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var key in batch)
            {
                try
                {
                    culled += await actors.AskAsync<int>(
                        CoordinationActors.ChildOf(new Domain.Identity.PseudonymousKey(key)), new CullConcerns(watchEndedBefore), cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                }
                catch (ActorTimeoutException)
                {
                    deferred++;
                }
            }
        }

        if (deferred > 0)
        {
            RetentionLog.Deferred(logger, deferred, "children with concerns");
        }

        return culled;
    }

    private Task<List<string>> DueCasesAsync(DateTimeOffset closedBefore, int limit, CancellationToken cancellationToken) =>
        QueryIdsAsync(
            "select case_id from coord_cases where status = 'Closed' and closed_at < $1 order by closed_at, case_id limit $2",
            closedBefore, limit, cancellationToken);

    private async Task<List<string>> QueryIdsAsync(string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = before.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
