using System.Threading.Channels;
using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Samverkan.Actors.Runtime;

/// <summary>Stores messages in mailboxes (one statement, acknowledged only after it commits) and awaits replies.</summary>
internal sealed class ActorClient(ActorRuntimeServices services) : IActorClient
{
    private const int MaxDeduplicationKeyLength = 256;
    private const int MaxFlushers = 4;
    private const int MaxRowsPerStatement = 5000;

    // One statement: deduplicate against actor_requests and store the fresh messages in order. The owners are
    // told after the commit (see Notifier), so concurrent sends share WAL flushes.
    private const string StoreSql = """
        with input as (
            select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::bool[], $8::text[])
                with ordinality as t(partition, actor_type, actor_key, kind, payload, request_id, expects_reply, trace_parent, ord)
        ), fresh as (
            insert into actor_requests (request_id)
            select request_id from input where request_id is not null
            on conflict do nothing
            returning request_id
        ), stored as (
            insert into actor_mailbox (partition, actor_type, actor_key, kind, payload, request_id, expects_reply, trace_parent)
            select partition, actor_type, actor_key, kind, payload, request_id, expects_reply, trace_parent
              from input
             where request_id is null or request_id in (select request_id from fresh)
             order by ord
        )
        select array(select request_id from fresh)
        """;

    private readonly Channel<PendingStore> _queue = Channel.CreateUnbounded<PendingStore>();
    private int _flushers;

    private const string ReadReplySql =
        "select reply_kind, reply::text, error from actor_requests where request_id = $1 and completed_at is not null";

    public async Task<SendOutcome> SendAsync(ActorId target, object message, string? deduplicationKey = null, CancellationToken cancellationToken = default)
    {
        var outcomes = await StoreAsync([new ActorMessage(target, message, deduplicationKey)], expectsReply: false, cancellationToken).ConfigureAwait(false);
        return outcomes[0];
    }

    public Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ActorMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StoreAsync(messages, expectsReply: false, cancellationToken);
    }

    public async Task<TReply?> AskAsync<TReply>(ActorId target, object message, string? deduplicationKey = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var requestId = deduplicationKey ?? "ask:" + Guid.NewGuid().ToString("N");
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? services.Options.AskTimeout).TotalSeconds * Stopwatch.Frequency);
        var waiter = services.Replies.Register(requestId);
        try
        {
            var outcome = (await StoreAsync([new ActorMessage(target, message, requestId)], expectsReply: true, cancellationToken).ConfigureAwait(false))[0];
            var reply = outcome == SendOutcome.Duplicate ? await ReadReplyAsync(requestId, cancellationToken).ConfigureAwait(false) : null;
            while (reply is null)
            {
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero)
                {
                    throw new ActorTimeoutException($"No reply from {target.Type} within the timeout; the message is stored and will be processed.");
                }

                // Wait for the notification, and read the table now and then in case a notification was lost.
                var slice = remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1);
                try
                {
                    reply = await waiter.Task.WaitAsync(slice, cancellationToken).ConfigureAwait(false)
                        ?? await ReadReplyAsync(requestId, cancellationToken).ConfigureAwait(false);
                    if (reply is null)
                    {
                        services.Replies.Unregister(requestId, waiter);
                        waiter = services.Replies.Register(requestId);
                    }
                }
                catch (TimeoutException)
                {
                    reply = await ReadReplyAsync(requestId, cancellationToken).ConfigureAwait(false);
                }
            }

            if (reply.Value.Error is { } error)
            {
                throw new ActorRequestFailedException(error);
            }

            return reply.Value.Json is null ? default : JsonSerializer.Deserialize<TReply>(reply.Value.Json, services.Options.JsonOptions);
        }
        finally
        {
            services.Replies.Unregister(requestId, waiter);
        }
    }

    private async Task<ReplyRecord?> ReadReplyAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var command = services.DataSource.CreateCommand(ReadReplySql);
        command.Parameters.Add(new NpgsqlParameter { Value = requestId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ReplyRecord(
            requestId,
            reader.IsDBNull(0) ? null : reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private async Task<IReadOnlyList<SendOutcome>> StoreAsync(IReadOnlyList<ActorMessage> messages, bool expectsReply, CancellationToken cancellationToken)
    {
        var count = messages.Count;
        var outcomes = new SendOutcome[count];
        if (count == 0)
        {
            return outcomes;
        }

        using var activity = ActorTelemetry.Source.StartActivity("actor send", ActivityKind.Producer);
        activity?.SetTag("samverkan.actors.batch_size", count);
        var traceParent = Activity.Current?.Id;

        // Validate and serialize on the caller's thread, so a bad message fails its own call only.
        var rows = new List<StoreRow>(count);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var registry = services.Registry;
        for (var i = 0; i < count; i++)
        {
            var (target, message, key) = messages[i];
            ArgumentNullException.ThrowIfNull(message);
            if (target.Type is null)
            {
                throw new ArgumentException($"Message {i} has no target.", nameof(messages));
            }

            if (key is not null)
            {
                ValidateKey(key);
                if (!seenKeys.Add(key))
                {
                    outcomes[i] = SendOutcome.Duplicate;
                    continue;
                }
            }

            rows.Add(new StoreRow(
                i, Partitioner.PartitionOf(target, services.Options.PartitionCount), target, registry.GetKind(message.GetType()),
                registry.Serialize(message), key, expectsReply, traceParent));
        }

        var pending = new PendingStore([.. rows], outcomes);
        _queue.Writer.TryWrite(pending);
        StartFlusher();
        await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>
    /// Client-side group commit: concurrent sends are stored together in one statement and one commit, so a thousand
    /// callers a second cost a few dozen transactions, not a thousand. Each caller returns only after that commit.
    /// </summary>
    private void StartFlusher()
    {
        if (Interlocked.Increment(ref _flushers) <= MaxFlushers)
        {
            _ = Task.Run(FlushAsync);
        }
        else
        {
            Interlocked.Decrement(ref _flushers);
        }
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            while (_queue.Reader.TryRead(out var first))
            {
                var batch = new List<PendingStore> { first };
                var size = first.Rows.Length;
                while (size < MaxRowsPerStatement && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    size += next.Rows.Length;
                }

                try
                {
                    await StoreTogetherAsync(batch).ConfigureAwait(false);
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetResult();
                    }
                }
                catch (Exception exception)
                {
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetException(exception);
                    }
                }
            }

            Interlocked.Decrement(ref _flushers);

            // A send may have been queued after the last read but before the decrement: look once more.
            if (!_queue.Reader.TryPeek(out _))
            {
                return;
            }

            if (Interlocked.Increment(ref _flushers) > MaxFlushers)
            {
                // Enough flushers are running; they will take it.
                Interlocked.Decrement(ref _flushers);
                return;
            }
        }
    }

    private async Task StoreTogetherAsync(List<PendingStore> batch)
    {
        // A key may come from two callers at once: the first stores it, the second is a duplicate.
        var size = batch.Sum(p => p.Rows.Length);
        var included = new List<(PendingStore Pending, StoreRow Row)>(size);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            foreach (var row in pending.Rows)
            {
                if (row.RequestId is not null && !keys.Add(row.RequestId))
                {
                    pending.Outcomes[row.Index] = SendOutcome.Duplicate;
                    continue;
                }

                included.Add((pending, row));
            }
        }

        await using var command = services.DataSource.CreateCommand(StoreSql);
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.Target.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.Target.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.Kind).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.RequestId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.ExpectsReply).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = included.Select(r => r.Row.TraceParent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        string[] fresh;
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            await reader.ReadAsync().ConfigureAwait(false);
            fresh = reader.GetFieldValue<string[]>(0);
        }

        var freshKeys = new HashSet<string>(fresh, StringComparer.Ordinal);
        long accepted = 0;
        foreach (var (pending, row) in included)
        {
            var outcome = row.RequestId is null || freshKeys.Contains(row.RequestId) ? SendOutcome.Accepted : SendOutcome.Duplicate;
            pending.Outcomes[row.Index] = outcome;
            accepted += outcome == SendOutcome.Accepted ? 1 : 0;
        }

        ActorTelemetry.MessagesSent.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (accepted < size)
        {
            ActorTelemetry.MessagesSent.Add(size - accepted, new KeyValuePair<string, object?>("outcome", "duplicate"));
        }

        services.AnnounceMailboxes(included.Select(r => r.Row.Partition).Distinct());
    }

    private static void ValidateKey(string key)
    {
        if (key.Length is 0 or > MaxDeduplicationKeyLength || key.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A deduplication key has 1 to {MaxDeduplicationKeyLength} characters and no line break.", nameof(key));
        }
    }

    private readonly record struct StoreRow(
        int Index, int Partition, ActorId Target, string Kind, string Payload, string? RequestId, bool ExpectsReply, string? TraceParent);

    private sealed class PendingStore(StoreRow[] rows, SendOutcome[] outcomes)
    {
        public StoreRow[] Rows { get; } = rows;

        public SendOutcome[] Outcomes { get; } = outcomes;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
