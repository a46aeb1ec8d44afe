using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Samverkan.Actors.Projections;
using Samverkan.Actors.Runtime;

namespace Samverkan.Actors;

/// <summary>
/// One node of the actor runtime. It registers and heartbeats, holds a fair share of the partitions through
/// fenced leases (taking over expired ones, handing some over when nodes join), processes the partitions it
/// holds, and listens for notifications. Stopping it is a graceful leave: its partitions move at once.
/// </summary>
public sealed class ActorHost : IAsyncDisposable
{
    private const string InitializeSql = """
        insert into actor_meta (key, value) values ('partition_count', $1) on conflict (key) do nothing;
        select value from actor_meta where key = 'partition_count';
        """;

    private const string CreatePartitionsSql =
        "insert into actor_partitions (partition) select generate_series(0, $1 - 1) on conflict (partition) do nothing";

    private const string HeartbeatSql = """
        insert into actor_nodes (node_id, name) values ($1, $2)
        on conflict (node_id) do update set heartbeat_at = now(), leaving = false
        """;

    private const string RenewSql =
        "update actor_partitions set lease_expires_at = now() + $2 where owner = $1 returning partition, epoch";

    private const string LiveNodesSql = """
        select n.node_id,
               (select count(*) from actor_partitions p where p.owner = n.node_id and p.lease_expires_at > now())::int
          from actor_nodes n
         where n.heartbeat_at > now() - $1 and not n.leaving
        """;

    private const string ClaimSql = """
        with free as (
            select partition from actor_partitions
             where owner is null or lease_expires_at < now()
             order by partition
             limit $2
               for update skip locked
        )
        update actor_partitions p
           set owner = $1, epoch = p.epoch + 1, lease_expires_at = now() + $3
          from free
         where p.partition = free.partition
        returning p.partition, p.epoch
        """;

    private const string ReleaseSql = """
        update actor_partitions set owner = null, lease_expires_at = '-infinity'
         where owner = $1 and partition = any($2)
        """;

    private const string NotifyRebalanceSql = "select pg_notify('samverkan_rebalance', '')";

    private const string PendingSql = """
        select p from unnest($1::int[]) as p
         where exists (select 1 from actor_mailbox m where m.partition = p)
            or exists (select 1 from actor_timers t where t.partition = p and t.due_at <= $2)
        """;

    private const string HousekeepingSql = """
        delete from actor_requests where request_id in (
            select request_id from actor_requests where created_at < now() - $1 limit 10000);
        delete from actor_nodes where heartbeat_at < now() - interval '1 day';
        """;

    private readonly ActorRuntimeServices _services;
    private readonly ILogger _logger;
    private readonly SignalHub _signals;
    private readonly NotificationListener _listener;
    private readonly ConcurrentDictionary<int, long> _owned = new();
    private readonly ProcessingLoop[] _loops;
    private readonly Channel<bool> _membershipWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _notifierStopping = new();
    private readonly SemaphoreSlim _membership = new(1, 1);
    private Task _listenerLoop = Task.CompletedTask;
    private Task _notifierLoop = Task.CompletedTask;
    private Task _localSignalLoop = Task.CompletedTask;
    private Task _membershipLoop = Task.CompletedTask;
    private Task _pollLoop = Task.CompletedTask;
    private long _lastHeartbeat;
    private long _lastHousekeeping;
    private int _state;
    private readonly TaskCompletionSource<Task> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ActorHost(
        NpgsqlDataSource dataSource,
        ActorRuntimeOptions options,
        IEnumerable<ActorBase> actors,
        IEnumerable<IProjector>? projectors = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        _services = new ActorRuntimeServices(
            dataSource, options, actors, projectors ?? [], timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance);
        _logger = _services.Logger;
        _signals = new SignalHub(_logger, _services);
        ReadModels = new ReadModelWriter(dataSource, _services.Projectors);
        _listener = new NotificationListener(_services, _signals, WakePartition, WakeMembership, WakeAll);
        Client = new ActorClient(_services);
        _loops = options.ProcessMessages
            ? [.. Enumerable.Range(0, options.ProcessingLoops).Select(i => new ProcessingLoop(_services, i, () => Assignment(i), ActivationBudget, OnFencedAsync))]
            : [];
        if (options.ProcessMessages)
        {
            _services.LocalWake = TryWakeLocal;
            _services.LocalSignal = _signals.DispatchLocal;
        }

        ActorHostRegistry.Add(this);
    }

    public Guid NodeId => _services.NodeId;

    public string NodeName => _services.Options.NodeName;

    public IActorClient Client { get; }

    public IActorSignals Signals => _signals;

    /// <summary>The read models, for writers outside the actor batches (the Orleans grains).</summary>
    public IReadModels ReadModels { get; }

    public IReadOnlyCollection<int> OwnedPartitions => [.. _owned.Keys.Order()];

    public int ActiveActors => _loops.Sum(l => l.ActiveActors);

    /// <summary>Diagnostics for benchmarks: called after every commit with the items it processed.</summary>
    internal Action<IReadOnlyList<WorkItem>>? Committed
    {
        get => _services.Committed;
        set => _services.Committed = value;
    }

    /// <summary>Started, listening, and (for a processing node) heartbeating within the lease TTL.</summary>
    public bool IsHealthy =>
        Volatile.Read(ref _state) == 1
        && _listener.IsConnected
        && (!_services.Options.ProcessMessages
            || TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastHeartbeat)) < _services.Options.LeaseTtl);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The actor host was started before.");
        }

        var options = _services.Options;
        if (options.ProcessMessages && options.PrepareSerializers)
        {
            // Beside the start, not before it: the first message of a kind finds the metadata ready, or shares the work.
            _ = Task.Run(() =>
            {
                try
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    ActorLog.SerializersPrepared(_logger, _services.Registry.PrepareSerializers(), clock.ElapsedMilliseconds);
                }
                catch (Exception exception)
                {
                    // Only a head start: whatever failed here fails (or not) where the type is used.
                    ActorLog.SerializersNotPrepared(_logger, exception);
                }
            }, CancellationToken.None);
        }

        _listenerLoop = Task.Run(() => _listener.RunAsync(_stopping.Token), CancellationToken.None);
        _notifierLoop = Task.Run(() => _services.Notifier.RunAsync(_notifierStopping.Token), CancellationToken.None);
        _localSignalLoop = Task.Run(_signals.RunLocalAsync, CancellationToken.None);
        if (options.ProcessMessages)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            foreach (var loop in _loops)
            {
                loop.Start();
            }

            await MembershipRoundAsync(cancellationToken).ConfigureAwait(false);
            _membershipLoop = Task.Run(() => RunMembershipAsync(_stopping.Token), CancellationToken.None);
            _pollLoop = Task.Run(() => RunPollerAsync(_stopping.Token), CancellationToken.None);
        }

        await _listener.FirstConnect.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        ActorLog.NodeStarted(_logger, options.NodeName, NodeId, options.PartitionCount);
    }

    /// <summary>Graceful leave: finish the batches in progress, release every partition, deregister.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) == 1)
        {
            _stopped.TrySetResult(StopCoreAsync(cancellationToken));
        }
        else if (Volatile.Read(ref _state) == 0)
        {
            return Task.CompletedTask;
        }

        // A second caller (the host, then the container disposing the node) waits for the stop in progress.
        return _stopped.Task.Unwrap();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_membershipLoop, _pollLoop).ConfigureAwait(false);
        if (_services.Options.ProcessMessages)
        {
            await _membership.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var partitions = _owned.Keys.ToArray();
                _owned.Clear();
                await Task.WhenAll(_loops.Select(l => l.StopAsync())).ConfigureAwait(false);
                await using var batch = _services.DataSource.CreateBatch();
                batch.BatchCommands.Add(Command(ReleaseSql, NodeId, partitions));
                batch.BatchCommands.Add(Command("delete from actor_nodes where node_id = $1", NodeId));
                batch.BatchCommands.Add(Command(NotifyRebalanceSql));
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ActorTelemetry.LeaseChanges.Add(partitions.Length, new KeyValuePair<string, object?>("change", "released"));
            }
            catch (NpgsqlException)
            {
                // The database is unreachable: the leases expire by themselves.
            }
            finally
            {
                _membership.Release();
            }
        }

        await _notifierStopping.CancelAsync().ConfigureAwait(false);
        _signals.CompleteLocal();
        await Task.WhenAll(_listenerLoop, _notifierLoop, _localSignalLoop).ConfigureAwait(false);
        ActorLog.NodeStopped(_logger, NodeId);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        ActorHostRegistry.Remove(this);
        _stopping.Dispose();
        _notifierStopping.Dispose();
        _membership.Dispose();
    }

    /// <summary>Runs one membership round now (tests and operators use it to converge without waiting).</summary>
    public Task RebalanceNowAsync(CancellationToken cancellationToken = default) => MembershipRoundAsync(cancellationToken);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var count = _services.Options.PartitionCount;
        await using var batch = _services.DataSource.CreateBatch();
        batch.BatchCommands.Add(Command(InitializeSql.Split(';')[0], count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        batch.BatchCommands.Add(Command(InitializeSql.Split(';')[1]));
        batch.BatchCommands.Add(Command(CreatePartitionsSql, count));
        var stored = (string?)await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        await using var check = _services.DataSource.CreateCommand("select value from actor_meta where key = 'partition_count'");
        stored = (string?)await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (stored != count.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException(
                $"This node is configured with {count} partitions but the database was set up with {stored}. The partition count is fixed for a deployment.");
        }
    }

    private async Task RunMembershipAsync(CancellationToken cancellationToken)
    {
        var interval = _services.Options.EffectiveHeartbeatInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(interval);
                try
                {
                    await _membershipWake.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Heartbeat time.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                await MembershipRoundAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ActorLog.HeartbeatFailed(_logger, exception);
                if (TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastHeartbeat)) > _services.Options.LeaseTtl)
                {
                    // Our leases may have moved on while we could not renew them: stop processing until we know.
                    await DropPartitionsAsync([.. _owned.Keys], "lost").ConfigureAwait(false);
                }
            }
        }
    }

    private async Task MembershipRoundAsync(CancellationToken cancellationToken)
    {
        var options = _services.Options;
        await _membership.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _state) != 1)
            {
                return;
            }

            await using var connection = await _services.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // 1. Heartbeat, and renew what we hold. What the database says we hold is the truth.
            await using (var heartbeat = new NpgsqlCommand(HeartbeatSql, connection))
            {
                heartbeat.Parameters.Add(new NpgsqlParameter { Value = NodeId });
                heartbeat.Parameters.Add(new NpgsqlParameter { Value = options.NodeName });
                await heartbeat.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var held = await ReadPartitionsAsync(connection, RenewSql, cancellationToken, NodeId, options.LeaseTtl).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastHeartbeat, Environment.TickCount64);
            var lost = _owned.Where(o => !held.TryGetValue(o.Key, out var epoch) || epoch != o.Value).ToList();
            if (lost.Count > 0)
            {
                foreach (var (partition, epoch) in lost)
                {
                    ActorLog.PartitionLost(_logger, partition, epoch);
                }

                await DropPartitionsAsync([.. lost.Select(l => l.Key)], "lost").ConfigureAwait(false);
            }

            foreach (var (partition, epoch) in held)
            {
                if (!_owned.ContainsKey(partition))
                {
                    TakePartition(partition, epoch);
                }
            }

            // 2. Fair share: ceil(P / live nodes). Take free or expired partitions up to it; hand over the excess
            //    when another live node holds less than its share.
            var live = new List<(Guid Node, int Owned)>();
            await using (var nodes = new NpgsqlCommand(LiveNodesSql, connection))
            {
                nodes.Parameters.Add(new NpgsqlParameter { Value = options.LeaseTtl });
                await using var reader = await nodes.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    live.Add((reader.GetGuid(0), reader.GetInt32(1)));
                }
            }

            var liveCount = Math.Max(1, live.Count);
            var target = (options.PartitionCount + liveCount - 1) / liveCount;
            var floor = options.PartitionCount / liveCount;
            var mine = _owned.Count;
            if (mine < target)
            {
                var claimed = await ReadPartitionsAsync(connection, ClaimSql, cancellationToken, NodeId, target - mine, options.LeaseTtl).ConfigureAwait(false);
                foreach (var (partition, epoch) in claimed)
                {
                    TakePartition(partition, epoch);
                }

                if (claimed.Count > 0)
                {
                    ActorTelemetry.LeaseChanges.Add(claimed.Count, new KeyValuePair<string, object?>("change", "acquired"));
                    ActorLog.PartitionsAcquired(_logger, claimed.Count, _owned.Count, liveCount);
                }
            }
            else if (mine > target && live.Any(n => n.Node != NodeId && n.Owned < floor))
            {
                var excess = _owned.Keys.Order().TakeLast(mine - target).ToArray();
                await DropPartitionsAsync(excess, "released").ConfigureAwait(false);
                await using var release = new NpgsqlBatch(connection);
                release.BatchCommands.Add(Command(ReleaseSql, NodeId, excess));
                release.BatchCommands.Add(Command(NotifyRebalanceSql));
                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ActorLog.PartitionsReleased(_logger, excess.Length, _owned.Count, liveCount);
            }

            // 3. Now and then: forget old deduplication keys and long-gone nodes.
            if (Environment.TickCount64 - _lastHousekeeping > 60_000)
            {
                _lastHousekeeping = Environment.TickCount64;
                try
                {
                    await using var housekeeping = new NpgsqlBatch(connection);
                    housekeeping.BatchCommands.Add(Command(HousekeepingSql.Split(';')[0], options.RequestRetention));
                    housekeeping.BatchCommands.Add(Command(HousekeepingSql.Split(';')[1]));
                    await housekeeping.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException exception)
                {
                    ActorLog.HousekeepingFailed(_logger, exception);
                }
            }
        }
        finally
        {
            _membership.Release();
        }
    }

    private static async Task<Dictionary<int, long>> ReadPartitionsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var result = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return result;
    }

    private void TakePartition(int partition, long epoch)
    {
        _owned[partition] = epoch;
        _loops[partition % _loops.Length].Wake();
    }

    private IReadOnlyDictionary<int, long> Assignment(int loop)
    {
        var assigned = new Dictionary<int, long>();
        foreach (var (partition, epoch) in _owned)
        {
            if (partition % _loops.Length == loop)
            {
                assigned[partition] = epoch;
            }
        }

        return assigned;
    }

    private int ActivationBudget() => Math.Max(64, _services.Options.MaxActiveActors / Math.Max(1, _loops.Length));

    /// <summary>A commit was fenced: find out what this node still holds before the loop goes on.</summary>
    private async Task OnFencedAsync()
    {
        try
        {
            await MembershipRoundAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            ActorLog.HeartbeatFailed(_logger, exception);
        }
    }

    /// <summary>Stops processing the partitions: no new batch takes them, and the batches in progress finish first.</summary>
    private async Task DropPartitionsAsync(IReadOnlyCollection<int> partitions, string change)
    {
        var dropped = 0;
        var loops = new HashSet<ProcessingLoop>();
        foreach (var partition in partitions)
        {
            if (_owned.TryRemove(partition, out _))
            {
                dropped++;
                loops.Add(_loops[partition % _loops.Length]);
            }
        }

        await Task.WhenAll(loops.Select(l => l.BatchBoundary)).ConfigureAwait(false);
        if (dropped > 0)
        {
            ActorTelemetry.LeaseChanges.Add(dropped, new KeyValuePair<string, object?>("change", change));
        }
    }

    private async Task RunPollerAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_services.Options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var owned = _owned.Keys.ToArray();
                if (owned.Length == 0)
                {
                    continue;
                }

                try
                {
                    await using var command = _services.DataSource.CreateCommand(PendingSql);
                    command.Parameters.Add(new NpgsqlParameter { Value = owned });
                    command.Parameters.Add(new NpgsqlParameter { Value = _services.Time.GetUtcNow() });
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        WakePartition(reader.GetInt32(0));
                    }
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
                {
                    // The workers meet the same trouble and back off; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void WakePartition(int partition) => TryWakeLocal(partition);

    private bool TryWakeLocal(int partition)
    {
        if (!_owned.ContainsKey(partition))
        {
            return false;
        }

        _loops[partition % _loops.Length].Wake();
        return true;
    }

    private void WakeAll()
    {
        foreach (var loop in _loops)
        {
            loop.Wake();
        }
    }

    private void WakeMembership() => _membershipWake.Writer.TryWrite(true);

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
