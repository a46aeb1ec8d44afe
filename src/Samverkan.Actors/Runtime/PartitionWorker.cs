using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Samverkan.Actors.Projections;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// Processes one owned partition: takes its messages and due timers in order, hands each to its actor,
/// and commits all effects with the mailbox checkpoint and the fencing check in one transaction.
/// </summary>
internal sealed class PartitionWorker
{
    private const string FetchMailboxSql = """
        select seq, actor_type, actor_key, kind, payload::text, request_id, expects_reply, attempts, enqueued_at, trace_parent
          from actor_mailbox where partition = $1 order by seq limit $2
        """;

    private const string FetchTimersSql = """
        select actor_type, actor_key, name, due_at, kind, payload::text, attempts
          from actor_timers where partition = $1 and due_at <= $2 order by due_at limit $3
        """;

    private const string NextTimerSql = "select min(due_at) from actor_timers where partition = $1 and due_at > $2";

    private const string LoadStateSql = """
        select s.actor_type, s.actor_key, s.state_version, s.version, s.state::text
          from unnest($1::text[], $2::text[]) as u(actor_type, actor_key)
          join actor_state s on s.actor_type = u.actor_type and s.actor_key = u.actor_key
        """;

    private const string FenceSql = "select actor_fence($1, $2, $3)";

    private const string DeleteMailboxSql = "delete from actor_mailbox where partition = $1 and seq = any($2)";

    private const string DeleteFiredTimersSql = """
        delete from actor_timers t
         using unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) as u(actor_type, actor_key, name, due_at)
         where t.actor_type = u.actor_type and t.actor_key = u.actor_key and t.name = u.name and t.due_at = u.due_at
        """;

    private const string UpsertStateSql = """
        insert into actor_state (actor_type, actor_key, partition, state_version, version, state, updated_at)
        select u.actor_type, u.actor_key, $1, u.state_version, u.version, u.state, now()
          from unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::jsonb[]) as u(actor_type, actor_key, state_version, version, state)
        on conflict (actor_type, actor_key) do update
           set state_version = excluded.state_version, version = excluded.version, state = excluded.state, updated_at = excluded.updated_at
        """;

    private const string DeleteStateSql = """
        with gone as (
            delete from actor_state s using unnest($1::text[], $2::text[]) as u(actor_type, actor_key)
             where s.actor_type = u.actor_type and s.actor_key = u.actor_key
        )
        delete from actor_timers t using unnest($1::text[], $2::text[]) as u(actor_type, actor_key)
         where t.actor_type = u.actor_type and t.actor_key = u.actor_key
        """;

    private const string InsertOutgoingSql = """
        with stored as (
            insert into actor_mailbox (partition, actor_type, actor_key, kind, payload, trace_parent)
            select u.partition, u.actor_type, u.actor_key, u.kind, u.payload, u.trace_parent
              from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
                   with ordinality as u(partition, actor_type, actor_key, kind, payload, trace_parent, ord)
             order by u.ord
            returning partition
        )
        select count(pg_notify('samverkan_mailbox', d.partition::text)) from (select distinct partition from stored) d
        """;

    private const string CancelTimersSql = """
        delete from actor_timers t using unnest($1::text[], $2::text[], $3::text[]) as u(actor_type, actor_key, name)
         where t.actor_type = u.actor_type and t.actor_key = u.actor_key and t.name = u.name
        """;

    private const string SetTimersSql = """
        insert into actor_timers (actor_type, actor_key, name, partition, due_at, kind, payload)
        select u.actor_type, u.actor_key, u.name, $1, u.due_at, u.kind, u.payload
          from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::jsonb[])
               as u(actor_type, actor_key, name, due_at, kind, payload)
        on conflict (actor_type, actor_key, name) do update
           set due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload, attempts = 0
        """;

    private const string StoreRepliesSql = """
        update actor_requests q
           set completed_at = now(), reply_kind = u.kind, reply = u.reply, error = u.error
          from unnest($1::text[], $2::text[], $3::jsonb[], $4::text[]) as u(request_id, kind, reply, error)
         where q.request_id = u.request_id
        """;

    private const string NotifySql = "select count(pg_notify($1, x)) from unnest($2::text[]) as x";

    private const string CountMailboxAttemptSql = "update actor_mailbox set attempts = $3 where partition = $1 and seq = $2";

    private const string CountTimerAttemptSql = "update actor_timers set attempts = $4 where actor_type = $1 and actor_key = $2 and name = $3";

    private const string DeadLetterSql = """
        insert into actor_dead_letters (partition, actor_type, actor_key, kind, payload, request_id, attempts, error, enqueued_at)
        values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
        """;

    private const string DeleteOneMailboxSql = "delete from actor_mailbox where partition = $1 and seq = $2";

    private const string DeleteOneTimerSql = "delete from actor_timers where actor_type = $1 and actor_key = $2 and name = $3 and due_at = $4";

    private readonly ActorRuntimeServices _services;
    private readonly Dictionary<ActorId, Activation> _activations = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly ActorContextCore _context;
    private readonly Func<int> _activationBudget;
    private readonly Action<PartitionWorker> _onLost;
    private Task? _loop;
    private DateTimeOffset? _nextTimerDue;
    private long _lastIdleSweep = Environment.TickCount64;
    private int _activeCount;

    public PartitionWorker(ActorRuntimeServices services, int partition, long epoch, Func<int> activationBudget, Action<PartitionWorker> onLost)
    {
        _services = services;
        Partition = partition;
        Epoch = epoch;
        _activationBudget = activationBudget;
        _onLost = onLost;
        _context = new ActorContextCore(services, partition);
    }

    public int Partition { get; }

    public long Epoch { get; }

    public int ActiveActors => Volatile.Read(ref _activeCount);

    public Task Completion => _loop ?? Task.CompletedTask;

    public void Start()
    {
        _loop = Task.Run(RunAsync);
        Wake();
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Stops after the batch in progress (if any) and drops the partition's activations.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await ProcessBatchAsync().ConfigureAwait(false);
                failures = 0;
            }
            catch (PartitionLostException)
            {
                ActorTelemetry.FencedCommits.Add(1);
                ActorLog.CommitFenced(_services.Logger, Partition, Epoch);
                Evict(_activations.Values.ToList());
                _onLost(this);
                return;
            }
            catch (Exception exception)
            {
                // Connection lost, database restarting, …: the in-memory state may be ahead of the database
                // (or a commit may have succeeded without us hearing), so start over from what is committed.
                Evict(_activations.Values.ToList());
                failures++;
                var delay = (int)Math.Min(100 * Math.Pow(2, Math.Min(failures, 6)), 5000);
                ActorLog.BatchFailed(_services.Logger, Partition, delay, exception);
                if (!await DelayAsync(TimeSpan.FromMilliseconds(delay)).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            if (!more)
            {
                SweepIdle();
                await WaitForWorkAsync().ConfigureAwait(false);
            }
        }

        _activations.Clear();
        Volatile.Write(ref _activeCount, 0);
    }

    private async Task WaitForWorkAsync()
    {
        var wait = _services.Options.PollInterval;
        var now = _services.Time.GetUtcNow();
        if (_nextTimerDue is { } due && due - now < wait)
        {
            wait = due - now;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(wait, _services.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Time to look for due timers anyway, or stopping.
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Takes one batch and processes it. Returns true when there may be more work right away.</summary>
    private async Task<bool> ProcessBatchAsync()
    {
        var now = _services.Time.GetUtcNow();
        var (items, mailboxFull) = await FetchAsync(now).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return false;
        }

        var oldest = items.Where(i => !i.IsTimer).Select(i => i.EnqueuedAt).DefaultIfEmpty(now).Min();
        ActorTelemetry.MailboxLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalMilliseconds));

        var more = mailboxFull;
        int start = 0, end = items.Count;
        var isolate = false;
        while (start < items.Count)
        {
            await ActivateAsync(items, start, end).ConfigureAwait(false);
            var (effects, failedAt, error) = Execute(items, start, end, now);
            if (failedAt >= 0)
            {
                Evict(effects.Touched);
                if (failedAt > start)
                {
                    // Commit what came before the failing message first.
                    end = failedAt;
                    continue;
                }

                await RecordFailureAsync(items[failedAt], error!).ConfigureAwait(false);
                if (items[failedAt].Attempts < _services.Options.MaxAttempts)
                {
                    // Retry the same message (per-actor order holds: nothing after it ran).
                    continue;
                }

                start = failedAt + 1;
                end = isolate ? Math.Min(start + 1, items.Count) : items.Count;
                continue;
            }

            try
            {
                await CommitAsync(effects).ConfigureAwait(false);
            }
            catch (PostgresException exception) when (!IsFencing(exception) && !exception.IsTransient && IsDataError(exception))
            {
                // A projection or state write the database refuses. Find the message that caused it by committing one at a time.
                Evict(effects.Touched);
                if (end - start > 1)
                {
                    isolate = true;
                    end = start + 1;
                    continue;
                }

                items[start].Attempts = Math.Max(items[start].Attempts, _services.Options.MaxAttempts - 1);
                await RecordFailureAsync(items[start], exception).ConfigureAwait(false);
                start++;
                end = Math.Min(start + 1, items.Count);
                continue;
            }

            more |= effects.SentToSelfPartition;
            start = end;
            end = isolate ? Math.Min(start + 1, items.Count) : items.Count;
        }

        EnforceBudget();
        return more || (_nextTimerDue is { } due && due <= _services.Time.GetUtcNow());
    }

    private async Task<(List<WorkItem> Items, bool MailboxFull)> FetchAsync(DateTimeOffset now)
    {
        var batchSize = _services.Options.BatchSize;
        await using var batch = _services.DataSource.CreateBatch();
        batch.BatchCommands.Add(Command(FetchTimersSql, Partition, now, batchSize));
        batch.BatchCommands.Add(Command(FetchMailboxSql, Partition, batchSize));
        batch.BatchCommands.Add(Command(NextTimerSql, Partition, now));
        var items = new List<WorkItem>();
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            items.Add(new WorkItem
            {
                IsTimer = true,
                Actor = new ActorId(reader.GetString(0), reader.GetString(1)),
                TimerName = reader.GetString(2),
                TimerDueAt = reader.GetFieldValue<DateTimeOffset>(3),
                EnqueuedAt = reader.GetFieldValue<DateTimeOffset>(3),
                Kind = reader.GetString(4),
                Payload = reader.GetString(5),
                Attempts = reader.GetInt32(6),
            });
        }

        var timers = items.Count;
        await reader.NextResultAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            items.Add(new WorkItem
            {
                Seq = reader.GetInt64(0),
                Actor = new ActorId(reader.GetString(1), reader.GetString(2)),
                Kind = reader.GetString(3),
                Payload = reader.GetString(4),
                RequestId = reader.IsDBNull(5) ? null : reader.GetString(5),
                ExpectsReply = reader.GetBoolean(6),
                Attempts = reader.GetInt32(7),
                EnqueuedAt = reader.GetFieldValue<DateTimeOffset>(8),
                TraceParent = reader.IsDBNull(9) ? null : reader.GetString(9),
            });
        }

        var fetchedMessages = items.Count - timers;
        await reader.NextResultAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        _nextTimerDue = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
        if (timers == batchSize)
        {
            _nextTimerDue = now;
        }

        return (items, fetchedMessages == batchSize);
    }

    private async Task ActivateAsync(List<WorkItem> items, int start, int end)
    {
        List<ActorId>? missing = null;
        for (var i = start; i < end; i++)
        {
            var id = items[i].Actor;
            if (!_activations.ContainsKey(id) && !(missing?.Contains(id) ?? false))
            {
                (missing ??= []).Add(id);
            }
        }

        if (missing is null)
        {
            return;
        }

        await using var command = _services.DataSource.CreateCommand(LoadStateSql);
        command.Parameters.Add(new NpgsqlParameter { Value = missing.Select(m => m.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = missing.Select(m => m.Key).ToArray() });
        var loaded = new Dictionary<ActorId, Activation>();
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                var id = new ActorId(reader.GetString(0), reader.GetString(1));
                if (!_services.Registry.TryGetActor(id.Type, out var actor))
                {
                    continue;
                }

                var stateVersion = reader.GetInt32(2);
                var json = reader.GetString(4);
                var state = stateVersion == actor.StateVersion
                    ? JsonSerializer.Deserialize(json, actor.StateType, _services.Options.JsonOptions)!
                    : actor.UpgradeStateObject(stateVersion, JsonDocument.Parse(json).RootElement);
                loaded[id] = new Activation(id, state, exists: true, version: reader.GetInt64(3));
            }
        }

        foreach (var id in missing)
        {
            if (!loaded.TryGetValue(id, out var activation))
            {
                if (!_services.Registry.TryGetActor(id.Type, out var actor))
                {
                    continue; // Fails in Execute with a clear error.
                }

                activation = new Activation(id, actor.CreateInitialStateObject(id.Key), exists: false, version: 0);
            }

            _activations[id] = activation;
        }

        Volatile.Write(ref _activeCount, _activations.Count);
    }

    private (BatchEffects Effects, int FailedAt, Exception? Error) Execute(List<WorkItem> items, int start, int end, DateTimeOffset now)
    {
        var effects = new BatchEffects();
        var tracing = ActorTelemetry.Source.HasListeners();
        var tick = Environment.TickCount64;
        for (var i = start; i < end; i++)
        {
            var item = items[i];
            Activity? activity = null;
            try
            {
                if (tracing)
                {
                    ActivityContext.TryParse(item.TraceParent, null, out var parent);
                    activity = ActorTelemetry.Source.StartActivity("actor process", ActivityKind.Consumer, parent);
                    activity?.SetTag("samverkan.actor.type", item.Actor.Type);
                    activity?.SetTag("samverkan.message.kind", item.Kind);
                }

                var actor = _services.Registry.GetActor(item.Actor.Type);
                if (!_activations.TryGetValue(item.Actor, out var activation))
                {
                    throw new InvalidOperationException($"Actor type '{item.Actor.Type}' could not be activated.");
                }

                var message = _services.Registry.Deserialize(item.Kind, item.Payload);
                activation.LastUsed = tick;
                _context.Begin(actor, activation, effects, now);
                object? reply;
                try
                {
                    reply = actor.Handle(message, _context);
                }
                finally
                {
                    _context.End();
                }

                if (item.ExpectsReply && item.RequestId is not null)
                {
                    effects.Replies.Add(reply is null
                        ? new ReplyRecord(item.RequestId, null, null, null)
                        : new ReplyRecord(item.RequestId, reply.GetType().Name, _services.Registry.Serialize(reply), null));
                }

                effects.Processed.Add(item);
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                if (_activations.TryGetValue(item.Actor, out var failed))
                {
                    effects.Touched.Add(failed);
                }

                return (effects, i, exception);
            }
            finally
            {
                activity?.Dispose();
            }
        }

        return (effects, -1, null);
    }

    private async Task CommitAsync(BatchEffects effects)
    {
        await using var batch = _services.DataSource.CreateBatch();
        var commands = batch.BatchCommands;
        commands.Add(Command(FenceSql, Partition, _services.NodeId, Epoch));

        var seqs = effects.Processed.Where(p => !p.IsTimer).Select(p => p.Seq).ToArray();
        if (seqs.Length > 0)
        {
            commands.Add(Command(DeleteMailboxSql, Partition, seqs));
        }

        var fired = effects.Processed.Where(p => p.IsTimer).ToList();
        if (fired.Count > 0)
        {
            commands.Add(Command(
                DeleteFiredTimersSql,
                fired.Select(t => t.Actor.Type).ToArray(),
                fired.Select(t => t.Actor.Key).ToArray(),
                fired.Select(t => t.TimerName!).ToArray(),
                fired.Select(t => t.TimerDueAt).ToArray()));
        }

        var deleted = effects.Touched.Where(a => a.Deleted).ToList();
        if (deleted.Count > 0)
        {
            commands.Add(Command(DeleteStateSql, deleted.Select(a => a.Id.Type).ToArray(), deleted.Select(a => a.Id.Key).ToArray()));
        }

        var dirty = effects.Touched.Where(a => a.Dirty).ToList();
        if (dirty.Count > 0)
        {
            var states = new string[dirty.Count];
            var versions = new int[dirty.Count];
            for (var i = 0; i < dirty.Count; i++)
            {
                var actor = _services.Registry.GetActor(dirty[i].Id.Type);
                states[i] = JsonSerializer.Serialize(dirty[i].State, actor.StateType, _services.Options.JsonOptions);
                versions[i] = actor.StateVersion;
            }

            commands.Add(Command(
                UpsertStateSql,
                Partition,
                dirty.Select(a => a.Id.Type).ToArray(),
                dirty.Select(a => a.Id.Key).ToArray(),
                versions,
                dirty.Select(a => a.Version + 1).ToArray(),
                Jsonb(states)));
        }

        if (effects.Outgoing.Count > 0)
        {
            var outgoing = effects.Outgoing;
            commands.Add(Command(
                InsertOutgoingSql,
                outgoing.Select(o => o.Partition).ToArray(),
                outgoing.Select(o => o.Target.Type).ToArray(),
                outgoing.Select(o => o.Target.Key).ToArray(),
                outgoing.Select(o => o.Kind).ToArray(),
                Jsonb(outgoing.Select(o => o.Payload).ToArray()),
                Text(outgoing.Select(o => o.TraceParent).ToArray())));
        }

        if (effects.Timers.Count > 0)
        {
            var cancels = effects.Timers.Where(t => t.Value.IsCancel).Select(t => t.Key).ToList();
            if (cancels.Count > 0)
            {
                commands.Add(Command(CancelTimersSql, cancels.Select(c => c.Type).ToArray(), cancels.Select(c => c.Key).ToArray(), cancels.Select(c => c.Name).ToArray()));
            }

            var sets = effects.Timers.Where(t => !t.Value.IsCancel).ToList();
            if (sets.Count > 0)
            {
                commands.Add(Command(
                    SetTimersSql,
                    Partition,
                    sets.Select(s => s.Key.Type).ToArray(),
                    sets.Select(s => s.Key.Key).ToArray(),
                    sets.Select(s => s.Key.Name).ToArray(),
                    sets.Select(s => s.Value.DueAt).ToArray(),
                    sets.Select(s => s.Value.Kind!).ToArray(),
                    Jsonb(sets.Select(s => s.Value.Payload!).ToArray())));
            }
        }

        if (effects.Replies.Count > 0)
        {
            var replies = effects.Replies;
            commands.Add(Command(
                StoreRepliesSql,
                replies.Select(r => r.RequestId).ToArray(),
                Text(replies.Select(r => r.Kind).ToArray()),
                Jsonb(replies.Select(r => r.Json).ToArray()),
                Text(replies.Select(r => r.Error).ToArray())));
            commands.Add(Command(NotifySql, NotificationListener.RepliesChannel, replies.Select(ReplyRegistry.FormatNotification).ToArray()));
        }

        if (effects.Rows.Count > 0)
        {
            WriteProjections(effects.Rows, batch);
        }

        if (effects.Signals.Count > 0)
        {
            commands.Add(Command(NotifySql, NotificationListener.SignalsChannel, effects.Signals.ToArray()));
        }

        try
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsFencing(exception))
        {
            throw new PartitionLostException(Partition, exception);
        }
        catch
        {
            Evict(effects.Touched);
            throw;
        }

        foreach (var activation in effects.Touched)
        {
            if (activation.Deleted)
            {
                activation.Exists = false;
                activation.Version = 0;
            }
            else if (activation.Dirty)
            {
                activation.Exists = true;
                activation.Version++;
            }

            activation.Dirty = false;
            activation.Deleted = false;
        }

        foreach (var reply in effects.Replies)
        {
            _services.Replies.Complete(reply);
        }

        RecordMetrics(effects);
    }

    private void WriteProjections(List<object> rows, NpgsqlBatch batch)
    {
        // Keep the order rows were emitted in: hand consecutive rows of one type to their projector together.
        var writer = new ProjectionWriter(batch);
        var run = new List<object>();
        for (var i = 0; i <= rows.Count; i++)
        {
            if (i < rows.Count && (run.Count == 0 || run[0].GetType() == rows[i].GetType()))
            {
                run.Add(rows[i]);
                continue;
            }

            _services.Projectors[run[0].GetType()].Write(run, writer);
            run = i < rows.Count ? [rows[i]] : [];
        }
    }

    private static void RecordMetrics(BatchEffects effects)
    {
        ActorTelemetry.BatchSize.Record(effects.Processed.Count);
        var now = DateTimeOffset.UtcNow;
        foreach (var group in effects.Processed.GroupBy(p => p.Actor.Type))
        {
            ActorTelemetry.MessagesProcessed.Add(group.Count(), new KeyValuePair<string, object?>("samverkan.actor.type", group.Key));
        }

        foreach (var item in effects.Processed)
        {
            if (!item.IsTimer)
            {
                ActorTelemetry.ProcessingLatency.Record((now - item.EnqueuedAt).TotalMilliseconds);
            }
        }
    }

    /// <summary>Counts a failed attempt; after the last one, moves the message to the dead-letter table.</summary>
    private async Task RecordFailureAsync(WorkItem item, Exception error)
    {
        item.Attempts++;
        var max = _services.Options.MaxAttempts;
        ActorLog.MessageFailed(_services.Logger, item.Seq, item.Kind, item.Actor.Type, item.Attempts, max, error);
        await using var batch = _services.DataSource.CreateBatch();
        var commands = batch.BatchCommands;
        commands.Add(Command(FenceSql, Partition, _services.NodeId, Epoch));
        if (item.Attempts < max)
        {
            commands.Add(item.IsTimer
                ? Command(CountTimerAttemptSql, item.Actor.Type, item.Actor.Key, item.TimerName!, item.Attempts)
                : Command(CountMailboxAttemptSql, Partition, item.Seq, item.Attempts));
        }
        else
        {
            var description = $"{error.GetType().FullName}: {error.Message}";
            commands.Add(Command(
                DeadLetterSql, Partition, item.Actor.Type, item.Actor.Key, item.Kind, item.Payload,
                (object?)item.RequestId ?? DBNull.Value, item.Attempts, description, item.EnqueuedAt));
            commands.Add(item.IsTimer
                ? Command(DeleteOneTimerSql, item.Actor.Type, item.Actor.Key, item.TimerName!, item.TimerDueAt)
                : Command(DeleteOneMailboxSql, Partition, item.Seq));
            ReplyRecord? reply = null;
            if (item.ExpectsReply && item.RequestId is not null)
            {
                reply = new ReplyRecord(item.RequestId, null, null, $"The request could not be processed ({error.GetType().Name}).");
                commands.Add(Command(StoreRepliesSql, new[] { item.RequestId }, Text([null]), Jsonb([null]), Text([reply.Value.Error])));
                commands.Add(Command(NotifySql, NotificationListener.RepliesChannel, new[] { ReplyRegistry.FormatNotification(reply.Value) }));
            }

            await ExecuteFencedAsync(batch).ConfigureAwait(false);
            ActorTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", item.Actor.Type));
            ActorLog.DeadLettered(_services.Logger, item.Seq, item.Kind, item.Actor.Type, item.Attempts);
            if (reply is { } r)
            {
                _services.Replies.Complete(r);
            }

            return;
        }

        await ExecuteFencedAsync(batch).ConfigureAwait(false);
    }

    private async Task ExecuteFencedAsync(NpgsqlBatch batch)
    {
        try
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsFencing(exception))
        {
            throw new PartitionLostException(Partition, exception);
        }
    }

    private void Evict(IEnumerable<Activation> activations)
    {
        foreach (var activation in activations)
        {
            _activations.Remove(activation.Id);
        }

        Volatile.Write(ref _activeCount, _activations.Count);
    }

    private void SweepIdle()
    {
        var now = Environment.TickCount64;
        var idle = (long)_services.Options.IdleTimeout.TotalMilliseconds;
        if (now - _lastIdleSweep < Math.Min(idle / 4, 10_000))
        {
            return;
        }

        _lastIdleSweep = now;
        var stale = _activations.Values.Where(a => now - a.LastUsed > idle).ToList();
        if (stale.Count > 0)
        {
            Evict(stale);
            ActorLog.Passivated(_services.Logger, stale.Count, Partition);
        }
    }

    private void EnforceBudget()
    {
        var budget = _activationBudget();
        if (_activations.Count <= budget)
        {
            return;
        }

        // Keep the most recently used; drop a little more than the excess so this does not run every batch.
        var drop = _activations.Count - (budget * 9 / 10);
        Evict(_activations.Values.OrderBy(a => a.LastUsed).Take(drop).ToList());
    }

    private static bool IsFencing(PostgresException exception) => exception.SqlState == "SVF01";

    // Class 22 (data exception) and 23 (integrity constraint violation): the data is refused, retrying the same will not help.
    private static bool IsDataError(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal) || exception.SqlState.StartsWith("23", StringComparison.Ordinal);

    private static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private static NpgsqlParameter Jsonb(string?[] values) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Text(string?[] values) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}

/// <summary>The partition's lease moved to another node or epoch; this node must stop processing it.</summary>
internal sealed class PartitionLostException(int partition, Exception inner)
    : Exception($"Partition {partition} is no longer held by this node.", inner);
