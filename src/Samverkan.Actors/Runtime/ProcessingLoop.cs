using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Samverkan.Actors.Projections;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// Processes a share of this node's partitions (those with <c>partition % loops == index</c>): takes their messages
/// and due timers, each partition in mailbox order, hands each message to its actor, and commits all effects with
/// the mailbox checkpoint and one fencing check over every partition involved, in one transaction.
/// </summary>
/// <remarks>
/// One transaction spans many partitions so that batches stay large when load is spread thin: with a worker per
/// partition, 1,000 messages/s over 128 partitions would cost a fetch, a load and a commit per message.
/// Per-actor order holds because an actor lives in one partition, whose mailbox is read in sequence order.
/// </remarks>
internal sealed class ProcessingLoop
{
    private const string FetchTimersSql = """
        select partition, actor_type, actor_key, name, due_at, kind, payload::text, attempts
          from actor_timers where partition = any($1) and due_at <= $2 order by due_at limit $3
        """;

    private const string FetchMailboxSql = """
        select m.partition, m.seq, m.actor_type, m.actor_key, m.kind, m.payload::text, m.request_id, m.expects_reply,
               m.attempts, m.enqueued_at, m.trace_parent
          from unnest($1::int[]) as p(partition)
         cross join lateral (
               select * from actor_mailbox where partition = p.partition order by seq limit $2) as m
        """;

    private const string NextTimerSql = "select min(due_at) from actor_timers where partition = any($1) and due_at > $2";

    private const string LoadStateSql = """
        select s.actor_type, s.actor_key, s.state_version, s.version, s.state::text
          from unnest($1::text[], $2::text[]) as u(actor_type, actor_key)
          join actor_state s on s.actor_type = u.actor_type and s.actor_key = u.actor_key
        """;

    private const string FenceSql = "select actor_fence($1, $2, $3)";

    private const string DeleteMailboxSql = """
        delete from actor_mailbox m using unnest($1::int[], $2::bigint[]) as u(partition, seq)
         where m.partition = u.partition and m.seq = u.seq
        """;

    private const string DeleteFiredTimersSql = """
        delete from actor_timers t
         using unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) as u(actor_type, actor_key, name, due_at)
         where t.actor_type = u.actor_type and t.actor_key = u.actor_key and t.name = u.name and t.due_at = u.due_at
        """;

    private const string UpsertStateSql = """
        insert into actor_state (actor_type, actor_key, partition, state_version, version, state, updated_at)
        select u.actor_type, u.actor_key, u.partition, u.state_version, u.version, u.state, now()
          from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[], $6::jsonb[])
               as u(actor_type, actor_key, partition, state_version, version, state)
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
        insert into actor_mailbox (partition, actor_type, actor_key, kind, payload, trace_parent)
        select u.partition, u.actor_type, u.actor_key, u.kind, u.payload, u.trace_parent
          from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])
               with ordinality as u(partition, actor_type, actor_key, kind, payload, trace_parent, ord)
         order by u.ord
        """;

    private const string CancelTimersSql = """
        delete from actor_timers t using unnest($1::text[], $2::text[], $3::text[]) as u(actor_type, actor_key, name)
         where t.actor_type = u.actor_type and t.actor_key = u.actor_key and t.name = u.name
        """;

    private const string SetTimersSql = """
        insert into actor_timers (actor_type, actor_key, name, partition, due_at, kind, payload)
        select u.actor_type, u.actor_key, u.name, u.partition, u.due_at, u.kind, u.payload
          from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::timestamptz[], $6::text[], $7::jsonb[])
               as u(actor_type, actor_key, name, partition, due_at, kind, payload)
        on conflict (actor_type, actor_key, name) do update
           set due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload, attempts = 0
        """;

    private const string StoreRepliesSql = """
        update actor_requests q
           set completed_at = now(), reply_kind = u.kind, reply = u.reply, error = u.error
          from unnest($1::text[], $2::text[], $3::jsonb[], $4::text[]) as u(request_id, kind, reply, error)
         where q.request_id = u.request_id
        """;

    private const string CountMailboxAttemptSql = "update actor_mailbox set attempts = $3 where partition = $1 and seq = $2";

    private const string CountTimerAttemptSql = "update actor_timers set attempts = $4 where actor_type = $1 and actor_key = $2 and name = $3";

    private const string DeadLetterSql = """
        insert into actor_dead_letters (partition, actor_type, actor_key, kind, payload, request_id, attempts, error, enqueued_at)
        values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)
        """;

    private const string DeleteOneMailboxSql = "delete from actor_mailbox where partition = $1 and seq = $2";

    private const string DeleteOneTimerSql = "delete from actor_timers where actor_type = $1 and actor_key = $2 and name = $3 and due_at = $4";

    private readonly ActorRuntimeServices _services;
    private readonly Func<IReadOnlyDictionary<int, long>> _assignment;
    private readonly Func<int> _activationBudget;
    private readonly Func<Task> _onFenced;
    private readonly Dictionary<ActorId, Activation> _activations = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly ActorContextCore _context;
    private IReadOnlyDictionary<int, long> _owned = new Dictionary<int, long>();
    private Task? _loop;
    private TaskCompletionSource? _batch;
    private DateTimeOffset? _nextTimerDue;
    private long _lastIdleSweep = Environment.TickCount64;
    private int _activeCount;

    /// <param name="services">What the parts of the node share.</param>
    /// <param name="index">This loop's number: it serves the partitions <c>p % loops == index</c>.</param>
    /// <param name="assignment">The partitions (and epochs) this loop serves now; read at the start of every batch.</param>
    /// <param name="activationBudget">How many activations this loop may keep in memory.</param>
    /// <param name="onFenced">Called when a commit was refused by the fencing check: re-learn what this node holds.</param>
    public ProcessingLoop(ActorRuntimeServices services, int index, Func<IReadOnlyDictionary<int, long>> assignment, Func<int> activationBudget, Func<Task> onFenced)
    {
        _services = services;
        Index = index;
        _assignment = assignment;
        _activationBudget = activationBudget;
        _onFenced = onFenced;
        _context = new ActorContextCore(services);
    }

    public int Index { get; }

    public int ActiveActors => Volatile.Read(ref _activeCount);

    public void Start()
    {
        _loop = Task.Run(RunAsync);
        Wake();
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Completes when the batch in progress (if any) has committed or failed.</summary>
    public Task BatchBoundary => Volatile.Read(ref _batch)?.Task ?? Task.CompletedTask;

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
            var batch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _batch, batch);
            try
            {
                more = await ProcessBatchAsync().ConfigureAwait(false);
                failures = 0;
            }
            catch (PartitionLostException)
            {
                // Some partition of the batch moved on. Drop everything in memory and learn what we still hold.
                ActorTelemetry.FencedCommits.Add(1);
                ActorLog.CommitFenced(_services.Logger, Index, 0);
                EvictAll();
                batch.TrySetResult();
                await _onFenced().ConfigureAwait(false);
                continue;
            }
            catch (Exception exception)
            {
                // Connection lost, database restarting, …: the in-memory state may be ahead of the database
                // (or a commit may have succeeded without us hearing), so start over from what is committed.
                EvictAll();
                failures++;
                var delay = (int)Math.Min(100 * Math.Pow(2, Math.Min(failures, 6)), 5000);
                ActorLog.BatchFailed(_services.Logger, Index, delay, exception);
                batch.TrySetResult();
                if (!await DelayAsync(TimeSpan.FromMilliseconds(delay)).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }
            finally
            {
                batch.TrySetResult();
            }

            if (!more)
            {
                SweepIdle();
                await WaitForWorkAsync().ConfigureAwait(false);
            }
        }

        EvictAll();
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
        _owned = _assignment();
        DropUnowned();
        if (_owned.Count == 0)
        {
            _nextTimerDue = null;
            return false;
        }

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
            catch (Exception exception) when (IsPoison(exception))
            {
                // A write that will never succeed (the database refuses the data, or a projector cannot build its
                // statement). Find the message that caused it by committing one at a time, and dead-letter that one.
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

            more |= effects.Outgoing.Any(o => _owned.ContainsKey(o.Partition));
            start = end;
            end = isolate ? Math.Min(start + 1, items.Count) : items.Count;
        }

        EnforceBudget();
        return more || (_nextTimerDue is { } due && due <= _services.Time.GetUtcNow());
    }

    private async Task<(List<WorkItem> Items, bool MailboxFull)> FetchAsync(DateTimeOffset now)
    {
        var partitions = _owned.Keys.ToArray();
        var options = _services.Options;
        var perPartition = Math.Max(64, options.BatchSize / partitions.Length);
        await using var batch = _services.DataSource.CreateBatch();
        batch.BatchCommands.Add(Command(FetchTimersSql, partitions, now, options.BatchSize));
        batch.BatchCommands.Add(Command(FetchMailboxSql, partitions, perPartition));
        batch.BatchCommands.Add(Command(NextTimerSql, partitions, now));
        var items = new List<WorkItem>();
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            items.Add(new WorkItem
            {
                IsTimer = true,
                Partition = reader.GetInt32(0),
                Actor = new ActorId(reader.GetString(1), reader.GetString(2)),
                TimerName = reader.GetString(3),
                TimerDueAt = reader.GetFieldValue<DateTimeOffset>(4),
                EnqueuedAt = reader.GetFieldValue<DateTimeOffset>(4),
                Kind = reader.GetString(5),
                Payload = reader.GetString(6),
                Attempts = reader.GetInt32(7),
            });
        }

        var timers = items.Count;
        var perPartitionCounts = new Dictionary<int, int>();
        await reader.NextResultAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var partition = reader.GetInt32(0);
            perPartitionCounts[partition] = perPartitionCounts.GetValueOrDefault(partition) + 1;
            items.Add(new WorkItem
            {
                Partition = partition,
                Seq = reader.GetInt64(1),
                Actor = new ActorId(reader.GetString(2), reader.GetString(3)),
                Kind = reader.GetString(4),
                Payload = reader.GetString(5),
                RequestId = reader.IsDBNull(6) ? null : reader.GetString(6),
                ExpectsReply = reader.GetBoolean(7),
                Attempts = reader.GetInt32(8),
                EnqueuedAt = reader.GetFieldValue<DateTimeOffset>(9),
                TraceParent = reader.IsDBNull(10) ? null : reader.GetString(10),
            });
        }

        await reader.NextResultAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        _nextTimerDue = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
        if (timers == options.BatchSize)
        {
            _nextTimerDue = now;
        }

        return (items, perPartitionCounts.Values.Any(c => c == perPartition));
    }

    private async Task ActivateAsync(List<WorkItem> items, int start, int end)
    {
        Dictionary<ActorId, int>? missing = null;
        for (var i = start; i < end; i++)
        {
            var id = items[i].Actor;
            if (!_activations.ContainsKey(id))
            {
                (missing ??= [])[id] = items[i].Partition;
            }
        }

        if (missing is null)
        {
            return;
        }

        await using var command = _services.DataSource.CreateCommand(LoadStateSql);
        command.Parameters.Add(new NpgsqlParameter { Value = missing.Keys.Select(m => m.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = missing.Keys.Select(m => m.Key).ToArray() });
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
                loaded[id] = new Activation(id, missing[id], state, exists: true, version: reader.GetInt64(3));
            }
        }

        foreach (var (id, partition) in missing)
        {
            if (!loaded.TryGetValue(id, out var activation))
            {
                if (!_services.Registry.TryGetActor(id.Type, out var actor))
                {
                    continue; // Fails in Execute with a clear error.
                }

                activation = new Activation(id, partition, actor.CreateInitialStateObject(id.Key), exists: false, version: 0);
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
        try
        {
            await WriteAsync(effects).ConfigureAwait(false);
        }
        catch
        {
            // Whatever failed (building the statements, or running them), memory may be ahead of the database.
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

        // Tell the world after the commit: local waiters and loops directly, other nodes through the notifier.
        foreach (var reply in effects.Replies)
        {
            _services.Replies.Complete(reply);
            _services.Notifier.Send(NotificationListener.RepliesChannel, ReplyRegistry.FormatNotification(reply));
        }

        foreach (var signal in effects.Signals)
        {
            _services.LocalSignal?.Invoke(signal);
            _services.Notifier.Send(NotificationListener.SignalsChannel, signal);
        }

        if (effects.Outgoing.Count > 0)
        {
            _services.AnnounceMailboxes(effects.Outgoing.Select(o => o.Partition).Distinct().Where(p => !_owned.ContainsKey(p)));
        }

        RecordMetrics(effects);
        _services.Committed?.Invoke(effects.Processed);
    }

    /// <summary>One transaction: the fencing check, then every effect of the batch.</summary>
    private async Task WriteAsync(BatchEffects effects)
    {
        await using var batch = _services.DataSource.CreateBatch();
        var commands = batch.BatchCommands;
        var partitions = effects.Processed.Select(p => p.Partition).Distinct().ToArray();
        commands.Add(Command(FenceSql, _services.NodeId, partitions, partitions.Select(p => _owned[p]).ToArray()));

        var messages = effects.Processed.Where(p => !p.IsTimer).ToList();
        if (messages.Count > 0)
        {
            commands.Add(Command(DeleteMailboxSql, messages.Select(m => m.Partition).ToArray(), messages.Select(m => m.Seq).ToArray()));
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
                dirty.Select(a => a.Id.Type).ToArray(),
                dirty.Select(a => a.Id.Key).ToArray(),
                dirty.Select(a => a.Partition).ToArray(),
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
                    sets.Select(s => s.Key.Type).ToArray(),
                    sets.Select(s => s.Key.Key).ToArray(),
                    sets.Select(s => s.Key.Name).ToArray(),
                    sets.Select(s => s.Value.Partition).ToArray(),
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
        }

        if (effects.Rows.Count > 0)
        {
            WriteProjections(effects.Rows, batch);
        }

        try
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsFencing(exception))
        {
            throw new PartitionLostException(exception);
        }
    }

    private void WriteProjections(List<object> rows, NpgsqlBatch batch) =>
        ProjectionRuns.Write(rows, _services.Projectors, new ProjectionWriter(batch));

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
        commands.Add(Command(FenceSql, _services.NodeId, new[] { item.Partition }, new[] { _owned[item.Partition] }));
        ReplyRecord? reply = null;
        if (item.Attempts < max)
        {
            commands.Add(item.IsTimer
                ? Command(CountTimerAttemptSql, item.Actor.Type, item.Actor.Key, item.TimerName!, item.Attempts)
                : Command(CountMailboxAttemptSql, item.Partition, item.Seq, item.Attempts));
        }
        else
        {
            var description = $"{error.GetType().FullName}: {error.Message}";
            commands.Add(Command(
                DeadLetterSql, item.Partition, item.Actor.Type, item.Actor.Key, item.Kind, item.Payload,
                (object?)item.RequestId ?? DBNull.Value, item.Attempts, description, item.EnqueuedAt));
            commands.Add(item.IsTimer
                ? Command(DeleteOneTimerSql, item.Actor.Type, item.Actor.Key, item.TimerName!, item.TimerDueAt)
                : Command(DeleteOneMailboxSql, item.Partition, item.Seq));
            if (item.ExpectsReply && item.RequestId is not null)
            {
                reply = new ReplyRecord(item.RequestId, null, null, $"The request could not be processed ({error.GetType().Name}).");
                commands.Add(Command(StoreRepliesSql, new[] { item.RequestId }, Text([null]), Jsonb([null]), Text([reply.Value.Error])));
            }
        }

        try
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsFencing(exception))
        {
            throw new PartitionLostException(exception);
        }

        if (item.Attempts >= max)
        {
            ActorTelemetry.DeadLetters.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", item.Actor.Type));
            ActorLog.DeadLettered(_services.Logger, item.Seq, item.Kind, item.Actor.Type, item.Attempts);
        }

        if (reply is { } r)
        {
            _services.Replies.Complete(r);
            _services.Notifier.Send(NotificationListener.RepliesChannel, ReplyRegistry.FormatNotification(r));
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

    private void EvictAll()
    {
        _activations.Clear();
        Volatile.Write(ref _activeCount, 0);
    }

    /// <summary>Drops the activations of partitions this loop no longer serves.</summary>
    private void DropUnowned()
    {
        if (_activations.Count == 0)
        {
            return;
        }

        List<Activation>? gone = null;
        foreach (var activation in _activations.Values)
        {
            if (!_owned.ContainsKey(activation.Partition))
            {
                (gone ??= []).Add(activation);
            }
        }

        if (gone is not null)
        {
            Evict(gone);
        }
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
            ActorLog.Passivated(_services.Logger, stale.Count, Index);
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

    /// <summary>
    /// True for a commit failure that retrying the same batch cannot cure: any error but losing the connection, the
    /// database shutting down or running out of resources, a serialization failure or deadlock, or a timeout.
    /// </summary>
    private static bool IsPoison(Exception exception) => exception switch
    {
        PartitionLostException or OperationCanceledException or TimeoutException => false,
        PostgresException postgres => !IsFencing(postgres) && !postgres.IsTransient && postgres.SqlState[..2] is not ("08" or "40" or "53" or "57" or "58" or "XX"),
        NpgsqlException => false,
        System.Net.Sockets.SocketException or IOException => false,
        _ => true,
    };

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

/// <summary>A partition of the batch is no longer held at its epoch; the node must re-learn what it holds.</summary>
internal sealed class PartitionLostException(Exception inner)
    : Exception("A partition of the batch is no longer held by this node.", inner);
