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
    private readonly ConcurrentDictionary<int, PartitionWorker> _workers = new();
    private readonly Channel<bool> _membershipWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _membership = new(1, 1);
    private Task _listenerLoop = Task.CompletedTask;
    private Task _membershipLoop = Task.CompletedTask;
    private Task _pollLoop = Task.CompletedTask;
    private long _lastHeartbeat;
    private long _lastHousekeeping;
    private int _state;

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
        _signals = new SignalHub(_logger);
        _listener = new NotificationListener(_services, _signals, WakePartition, WakeMembership, WakeAll);
        Client = new ActorClient(_services);
        if (options.ProcessMessages)
        {
            _services.LocalWake = WakePartition;
        }

        ActorHostRegistry.Add(this);
    }

    public Guid NodeId => _services.NodeId;

    public string NodeName => _services.Options.NodeName;

    public IActorClient Client { get; }

    public IActorSignals Signals => _signals;

    public IReadOnlyCollection<int> OwnedPartitions => [.. _workers.Keys.Order()];

    public int ActiveActors => _workers.Values.Sum(w => w.ActiveActors);

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
        _listenerLoop = Task.Run(() => _listener.RunAsync(_stopping.Token), CancellationToken.None);
        if (options.ProcessMessages)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
            await MembershipRoundAsync(cancellationToken).ConfigureAwait(false);
            _membershipLoop = Task.Run(() => RunMembershipAsync(_stopping.Token), CancellationToken.None);
            _pollLoop = Task.Run(() => RunPollerAsync(_stopping.Token), CancellationToken.None);
        }

        await _listener.FirstConnect.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        ActorLog.NodeStarted(_logger, options.NodeName, NodeId, options.PartitionCount);
    }

    /// <summary>Graceful leave: finish the batches in progress, release every partition, deregister.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_membershipLoop, _pollLoop).ConfigureAwait(false);
        if (_services.Options.ProcessMessages)
        {
            await _membership.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_workers.Values.Select(w => w.StopAsync())).ConfigureAwait(false);
                var partitions = _workers.Keys.ToArray();
                _workers.Clear();
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

        await _listenerLoop.ConfigureAwait(false);
        ActorLog.NodeStopped(_logger, NodeId);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        ActorHostRegistry.Remove(this);
        _stopping.Dispose();
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
                    await StopWorkersAsync(_workers.Keys.ToList(), "lost").ConfigureAwait(false);
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
            var lost = _workers.Where(w => !held.TryGetValue(w.Key, out var epoch) || epoch != w.Value.Epoch).Select(w => w.Key).ToList();
            if (lost.Count > 0)
            {
                foreach (var partition in lost)
                {
                    ActorLog.PartitionLost(_logger, partition, _workers[partition].Epoch);
                }

                await StopWorkersAsync(lost, "lost").ConfigureAwait(false);
            }

            foreach (var (partition, epoch) in held)
            {
                if (!_workers.ContainsKey(partition))
                {
                    StartWorker(partition, epoch);
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
            var mine = _workers.Count;
            if (mine < target)
            {
                var claimed = await ReadPartitionsAsync(connection, ClaimSql, cancellationToken, NodeId, target - mine, options.LeaseTtl).ConfigureAwait(false);
                foreach (var (partition, epoch) in claimed)
                {
                    StartWorker(partition, epoch);
                }

                if (claimed.Count > 0)
                {
                    ActorTelemetry.LeaseChanges.Add(claimed.Count, new KeyValuePair<string, object?>("change", "acquired"));
                    ActorLog.PartitionsAcquired(_logger, claimed.Count, _workers.Count, liveCount);
                }
            }
            else if (mine > target && live.Any(n => n.Node != NodeId && n.Owned < floor))
            {
                var excess = _workers.Keys.Order().TakeLast(mine - target).ToArray();
                await StopWorkersAsync(excess, "released").ConfigureAwait(false);
                await using var release = new NpgsqlBatch(connection);
                release.BatchCommands.Add(Command(ReleaseSql, NodeId, excess));
                release.BatchCommands.Add(Command(NotifyRebalanceSql));
                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ActorLog.PartitionsReleased(_logger, excess.Length, _workers.Count, liveCount);
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

    private void StartWorker(int partition, long epoch)
    {
        var worker = new PartitionWorker(_services, partition, epoch, ActivationBudget, OnPartitionLost);
        if (_workers.TryAdd(partition, worker))
        {
            worker.Start();
        }
    }

    private int ActivationBudget() => Math.Max(16, _services.Options.MaxActiveActors / Math.Max(1, _workers.Count));

    private void OnPartitionLost(PartitionWorker worker)
    {
        // Called from the worker's own loop, which ends right after: just forget it and look at the leases again.
        if (_workers.TryRemove(new KeyValuePair<int, PartitionWorker>(worker.Partition, worker)))
        {
            ActorTelemetry.LeaseChanges.Add(1, new KeyValuePair<string, object?>("change", "lost"));
            ActorLog.PartitionLost(_logger, worker.Partition, worker.Epoch);
        }

        WakeMembership();
    }

    private async Task StopWorkersAsync(IReadOnlyCollection<int> partitions, string change)
    {
        var stopping = new List<Task>();
        foreach (var partition in partitions)
        {
            if (_workers.TryRemove(partition, out var worker))
            {
                stopping.Add(worker.StopAsync());
            }
        }

        await Task.WhenAll(stopping).ConfigureAwait(false);
        if (stopping.Count > 0)
        {
            ActorTelemetry.LeaseChanges.Add(stopping.Count, new KeyValuePair<string, object?>("change", change));
        }
    }

    private async Task RunPollerAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_services.Options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var owned = _workers.Keys.ToArray();
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

    private void WakePartition(int partition)
    {
        if (_workers.TryGetValue(partition, out var worker))
        {
            worker.Wake();
        }
    }

    private void WakeAll()
    {
        foreach (var worker in _workers.Values)
        {
            worker.Wake();
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
