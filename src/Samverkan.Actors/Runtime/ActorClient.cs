using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Samverkan.Actors.Runtime;

/// <summary>Stores messages in mailboxes (one statement, acknowledged only after it commits) and awaits replies.</summary>
internal sealed class ActorClient(ActorRuntimeServices services) : IActorClient
{
    private const int MaxDeduplicationKeyLength = 256;

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

        var partitions = new List<int>(count);
        var types = new List<string>(count);
        var keys = new List<string>(count);
        var kinds = new List<string>(count);
        var payloads = new List<string>(count);
        var requestIds = new List<string?>(count);
        var replies = new List<bool>(count);
        var traces = new List<string?>(count);
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

            partitions.Add(Partitioner.PartitionOf(target, services.Options.PartitionCount));
            types.Add(target.Type);
            keys.Add(target.Key);
            kinds.Add(registry.GetKind(message.GetType()));
            payloads.Add(registry.Serialize(message));
            requestIds.Add(key);
            replies.Add(expectsReply);
            traces.Add(traceParent);
        }

        await using var command = services.DataSource.CreateCommand(StoreSql);
        command.Parameters.Add(new NpgsqlParameter { Value = partitions.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = types.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = kinds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = payloads.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = requestIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = replies.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = traces.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        string[] fresh;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            fresh = reader.GetFieldValue<string[]>(0);
        }

        var freshKeys = fresh.Length == 0 ? null : new HashSet<string>(fresh, StringComparer.Ordinal);
        long accepted = 0;
        for (var i = 0; i < count; i++)
        {
            var key = messages[i].DeduplicationKey;
            if (outcomes[i] == SendOutcome.Duplicate)
            {
                continue;
            }

            outcomes[i] = key is null || (freshKeys?.Contains(key) ?? false) ? SendOutcome.Accepted : SendOutcome.Duplicate;
            accepted += outcomes[i] == SendOutcome.Accepted ? 1 : 0;
        }

        ActorTelemetry.MessagesSent.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (accepted < count)
        {
            ActorTelemetry.MessagesSent.Add(count - accepted, new KeyValuePair<string, object?>("outcome", "duplicate"));
        }

        services.AnnounceMailboxes(partitions.Distinct());
        return outcomes;
    }

    private static void ValidateKey(string key)
    {
        if (key.Length is 0 or > MaxDeduplicationKeyLength || key.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A deduplication key has 1 to {MaxDeduplicationKeyLength} characters and no line break.", nameof(key));
        }
    }
}
