using Samverkan.Domain.Common;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Samverkan.Host.Telemetry;

namespace Samverkan.Host.Security;

/// <summary>
/// The audit log on PostgreSQL. One writer per node takes every entry waiting and appends them in one statement:
/// it chains the new rows from the head it last knew, moves the single chain-head row only if that is still the
/// head (the row lock serialises writers across all nodes), and inserts the rows only if it moved; when another
/// node moved the head meanwhile, nothing is written and the writer reads the head and tries again. Requests wait for that commit; if it fails or takes
/// longer than <see cref="SamverkanAuditOptions.WriteTimeout"/>, they get <see cref="AuditUnavailableException"/>.
/// After each commit the writer looks for users who opened unusually many distinct children (audit_anomalies).
/// </summary>
internal sealed class PostgresAuditLog : IAuditLog, IAsyncDisposable
{
    private static readonly Counter<long> Entries = SamverkanTelemetry.Meter.CreateCounter<long>(
        "samverkan.audit.entries", description: "Audit entries committed");

    private static readonly Counter<long> Failures = SamverkanTelemetry.Meter.CreateCounter<long>(
        "samverkan.audit.failures", description: "Audit entries that could not be written (their requests failed)");

    private static readonly Counter<long> Anomalies = SamverkanTelemetry.Meter.CreateCounter<long>(
        "samverkan.audit.anomalies", description: "Users found opening unusually many distinct children's records");

    private readonly NpgsqlDataSource _dataSource;
    private readonly SamverkanAuditOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresAuditLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();
    private Task? _writer;
    private (long Sequence, byte[] Hash)? _head;

    public PostgresAuditLog(
        NpgsqlDataSource dataSource, IOptions<SamverkanAuditOptions> options, ServiceClock time, ILogger<PostgresAuditLog> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return RecordAsync([entry], cancellationToken);
    }

    public async Task RecordAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        EnsureWriter();
        var pending = new Pending([.. entries]);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new AuditUnavailableException("The audit log is shutting down.");
        }

        // The entry is written even if this request gives up waiting: an attempt to read is still an access.
        await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            try
            {
                await writer.WaitAsync(_options.WriteTimeout * 2).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
            }
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Completion.TrySetException(new AuditUnavailableException("The audit log is shutting down."));
        }

        _stopping.Dispose();
    }

    private void EnsureWriter()
    {
        if (_writer is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _writer ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var count = 0;
            while (count < _options.MaxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                count += pending.Entries.Length;
            }

            var entries = batch.SelectMany(p => p.Entries).ToArray();
            try
            {
                await AppendAsync(entries).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                // Whatever failed, the waiting requests fail (503) and the writer goes on with the next batch.
                SecurityLog.AuditWriteFailed(_logger, entries.Length, exception);
                Failures.Add(entries.Length);
                var failure = new AuditUnavailableException("The audit log could not be written.", exception);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(failure);
                }

                continue;
            }

            Entries.Add(entries.Length);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult();
            }

            await CheckAnomaliesAsync(entries).ConfigureAwait(false);
        }
    }

    private async Task AppendAsync(AuditEntry[] entries)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.WriteTimeout);
        var cancellationToken = timeout.Token;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // Chain from the head this writer last wrote (or read). The statement moves the head only if it is still there,
        // and inserts only if it moved, so a head moved meanwhile by another node's writer inserts nothing: read it, retry.
        for (var attempt = 0; ; attempt++)
        {
            _head ??= await ReadHeadAsync(connection, cancellationToken).ConfigureAwait(false);
            var (headSequence, headHash) = _head.Value;
            var (command, sequence, hash) = ChainedInsert(entries, headSequence, headHash, connection);
            await using (command)
            {
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == entries.Length)
                {
                    _head = (sequence, hash);
                    return;
                }
            }

            _head = null;
            if (attempt == 10)
            {
                throw new InvalidOperationException("The audit chain head kept moving; the entries were not written.");
            }
        }
    }

    private static async Task<(long Sequence, byte[] Hash)> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var head = new NpgsqlCommand("select seq, hash from audit_chain_head where id", connection);
        await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The audit chain head is missing.");
        }

        return (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>One statement: move the head from (<paramref name="sequence"/>, <paramref name="hash"/>) and append the rows chained from it.</summary>
    private static (NpgsqlCommand Command, long Sequence, byte[] Hash) ChainedInsert(AuditEntry[] entries, long sequence, byte[] hash, NpgsqlConnection connection)
    {
        var fromSequence = sequence;
        var fromHash = hash;
        var rows = new AuditChain.Row[entries.Length];
        var hashes = new byte[entries.Length][];
        var previous = new byte[entries.Length][];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var row = new AuditChain.Row(
                ++sequence, AuditChain.ToStoredPrecision(entry.At), entry.Staff.Value, entry.Organisation.Value, entry.Municipality.Value,
                entry.Child?.Value, AuditChain.ActionName(entry.Action), entry.Purpose, entry.Resource, entry.RequestId, entry.TraceId);
            previous[i] = hash;
            hash = AuditChain.Hash(hash, row);
            rows[i] = row;
            hashes[i] = hash;
        }

        // A concurrent writer holding the head makes the update wait, then see the moved head and match nothing.
        var insert = new NpgsqlCommand(
            """
            with head as (
                update audit_chain_head set seq = $14, hash = $15 where id and seq = $16 and hash = $17 returning seq)
            insert into audit_log (seq, at, staff_id, organisation, municipality, child_key, action, purpose, resource, request_id,
                trace_id, prev_hash, hash)
            select u.* from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::text[], $11::text[], $12::bytea[], $13::bytea[])
                as u(seq, at, staff_id, organisation, municipality, child_key, action, purpose, resource, request_id, trace_id, prev_hash, hash)
             where exists (select 1 from head)
            """,
            connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Sequence).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.At).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(Texts(rows.Select(r => r.Staff)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Organisation)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Municipality)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Child)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Action)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Purpose)));
        insert.Parameters.Add(Texts(rows.Select(r => r.Resource)));
        insert.Parameters.Add(Texts(rows.Select(r => r.RequestId)));
        insert.Parameters.Add(Texts(rows.Select(r => r.TraceId)));
        insert.Parameters.Add(new NpgsqlParameter { Value = previous, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        insert.Parameters.Add(new NpgsqlParameter { Value = sequence });
        insert.Parameters.Add(new NpgsqlParameter { Value = hash });
        insert.Parameters.Add(new NpgsqlParameter { Value = fromSequence });
        insert.Parameters.Add(new NpgsqlParameter { Value = fromHash });
        return (insert, sequence, hash);
    }

    private static NpgsqlParameter Texts(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>For each user who just opened a child's record: too many distinct children within the window?</summary>
    private async Task CheckAnomaliesAsync(AuditEntry[] entries)
    {
        if (_options.AnomalyThreshold <= 0)
        {
            return;
        }

        var users = entries
            .Where(e => e.Child is not null && e.Action != AuditAction.Review)
            .GroupBy(e => e.Staff)
            .Select(g => g.MaxBy(e => e.At)!)
            .ToArray();
        if (users.Length == 0)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.WriteTimeout);
            await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            foreach (var latest in users)
            {
                await using var command = new NpgsqlCommand(
                    """
                    with opened as (
                        select count(distinct child_key)::int as children
                          from audit_log
                         where staff_id = $1 and child_key is not null and action <> 'review' and at > $2 and at <= $3)
                    insert into audit_anomalies (detected_at, staff_id, organisation, municipality, distinct_children, window_seconds, threshold)
                    select $4, $1, $5, $6, opened.children, $7, $8
                      from opened
                     where opened.children >= $8
                       and not exists (select 1 from audit_anomalies a where a.staff_id = $1 and a.detected_at > $4 - make_interval(secs => $7))
                    returning id, distinct_children
                    """, connection);
                var windowSeconds = (int)Math.Ceiling(_options.AnomalyWindow.TotalSeconds);
                command.Parameters.Add(new NpgsqlParameter { Value = latest.Staff.Value });
                command.Parameters.Add(new NpgsqlParameter { Value = AuditChain.ToStoredPrecision(latest.At) - _options.AnomalyWindow });
                command.Parameters.Add(new NpgsqlParameter { Value = AuditChain.ToStoredPrecision(latest.At) });
                command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
                command.Parameters.Add(new NpgsqlParameter { Value = latest.Organisation.Value });
                command.Parameters.Add(new NpgsqlParameter { Value = latest.Municipality.Value });
                command.Parameters.Add(new NpgsqlParameter { Value = windowSeconds });
                command.Parameters.Add(new NpgsqlParameter { Value = _options.AnomalyThreshold });
                await using var reader = await command.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
                if (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    Anomalies.Add(1);
                    SecurityLog.AuditAnomaly(_logger, reader.GetInt64(0), reader.GetInt32(1), _options.AnomalyWindow.TotalMinutes, _options.AnomalyThreshold);
                }
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            SecurityLog.AnomalyCheckFailed(_logger, exception);
        }
    }

    private sealed class Pending(AuditEntry[] entries)
    {
        public AuditEntry[] Entries { get; } = entries;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
