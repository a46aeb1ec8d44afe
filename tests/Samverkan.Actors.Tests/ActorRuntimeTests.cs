using Samverkan.Actors.TestNode;
using Samverkan.Testing;

namespace Samverkan.Actors.Tests;

public sealed class ActorRuntimeTests(PostgresServerFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90); // a budget for conditions on a loaded 2-core machine

    private static ActorId Counter(string key) => new(CounterActor.Name, key);

    private static ActorId Recorder(string key) => new(RecorderActor.Name, key);

    [Fact]
    public void Partitioner_IsStableAndSpreadsKeys()
    {
        // The partition of an actor is an on-disk contract: these values (FNV-1a of "type/key", computed independently) must never change.
        Partitioner.PartitionOf(new ActorId("child", "c_0001"), 128).ShouldBe(Partitioner.PartitionOf(new ActorId("child", "c_0001"), 128));
        Partitioner.PartitionOf(new ActorId("child", "abc"), 128).ShouldBe(34);
        Partitioner.PartitionOf(new ActorId("school", "abc"), 128).ShouldBe(86);
        var counts = Enumerable.Range(0, 12_800).GroupBy(i => Partitioner.PartitionOf(new ActorId("child", $"c_{i}"), 128)).Select(g => g.Count()).ToList();
        counts.Count.ShouldBe(128);
        counts.Min().ShouldBeGreaterThan(50);
        counts.Max().ShouldBeLessThan(150);
    }

    [Fact]
    public async Task Ask_ReturnsTheReply_AndStateIsPersisted()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");

        (await node.Client.AskAsync<long>(Counter("k"), new Add(5), cancellationToken: TestContext.Current.CancellationToken)).ShouldBe(5);
        (await node.Client.AskAsync<long>(Counter("k"), new Add(2), cancellationToken: TestContext.Current.CancellationToken)).ShouldBe(7);

        (await cluster.ScalarAsync("select (state->>'total')::bigint from actor_state where actor_type = 'counter' and actor_key = 'k'")).ShouldBe(7);
        (await cluster.ScalarAsync("select version from actor_state where actor_type = 'counter' and actor_key = 'k'")).ShouldBe(2);
        (await cluster.ScalarAsync("select count(*) from actor_mailbox")).ShouldBe(0);
    }

    [Fact]
    public async Task Ask_TwiceWithOneDeduplicationKey_ReturnsTheSameReplyAndAppliesOnce()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        var first = await node.Client.AskAsync<long>(Counter("k"), new Add(5), "req-1", cancellationToken: ct);
        var second = await node.Client.AskAsync<long>(Counter("k"), new Add(5), "req-1", cancellationToken: ct);

        first.ShouldBe(5);
        second.ShouldBe(5);
        (await node.Client.AskAsync<long>(Counter("k"), new GetTotal(), cancellationToken: ct)).ShouldBe(5);
    }

    [Fact]
    public async Task Ask_ToSlowActor_TimesOutCleanly_AndTheMessageIsStillProcessed()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        await Should.ThrowAsync<ActorTimeoutException>(() =>
            node.Client.AskAsync<long>(Counter("slow"), new Slow(1500), "slow-1", TimeSpan.FromMilliseconds(200), ct));

        // The message was stored; once processed, a retry with the same key gets the stored reply.
        var retried = await node.Client.AskAsync<long>(Counter("slow"), new Slow(1500), "slow-1", TimeSpan.FromSeconds(60), ct);
        retried.ShouldBe(1);
        (await node.Client.AskAsync<long>(Counter("slow"), new GetTotal(), cancellationToken: ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Send_WithAKeySeenBefore_IsADuplicate_AndProcessedOnce()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        (await node.Client.SendAsync(Counter("d"), new AddQuietly(3), "src/1", ct)).ShouldBe(SendOutcome.Accepted);
        (await node.Client.SendAsync(Counter("d"), new AddQuietly(3), "src/1", ct)).ShouldBe(SendOutcome.Duplicate);
        var batch = await node.Client.SendBatchAsync(
            [new ActorMessage(Counter("d"), new AddQuietly(3), "src/1"), new ActorMessage(Counter("d"), new AddQuietly(4), "src/2"), new ActorMessage(Counter("d"), new AddQuietly(4), "src/2")],
            ct);
        batch.ShouldBe([SendOutcome.Duplicate, SendOutcome.Accepted, SendOutcome.Duplicate]);

        (await node.Client.AskAsync<long>(Counter("d"), new GetTotal(), cancellationToken: ct)).ShouldBe(7);
    }

    [Fact]
    public async Task PoisonMessage_IsDeadLettered_AndTheMessagesAfterItAreProcessed()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        await node.Client.SendBatchAsync(
            [
                new ActorMessage(Counter("p"), new AddQuietly(1)),
                new ActorMessage(Counter("p"), new Explode()),
                new ActorMessage(Counter("p"), new AddQuietly(10)),
            ],
            ct);
        await Should.ThrowAsync<ActorRequestFailedException>(() => node.Client.AskAsync<long>(Counter("p"), new Explode(), cancellationToken: ct));

        (await node.Client.AskAsync<long>(Counter("p"), new GetTotal(), cancellationToken: ct)).ShouldBe(11);
        (await cluster.ScalarAsync("select count(*) from actor_dead_letters where kind = 'test.explode' and attempts = 3 and error like '%always fails%'")).ShouldBe(2);
        (await cluster.ScalarAsync("select count(*) from actor_mailbox")).ShouldBe(0);
    }

    [Fact]
    public async Task ProjectionThatCannotBeWritten_DeadLettersItsMessageOnly_AndTheRestCommit()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        await node.Client.SendBatchAsync(
            [
                new ActorMessage(Counter("n"), new Note("one")),
                new ActorMessage(Counter("n"), new Note("poison")),
                new ActorMessage(Counter("n"), new Note("two")),
                new ActorMessage(Counter("m"), new Note("three")),
            ],
            ct);

        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from actor_mailbox") == 0, Patience, "every message handled");
        (await node.Client.AskAsync<long>(Counter("n"), new GetTotal(), cancellationToken: ct)).ShouldBe(2, "the poisoned note's state change was not committed");
        (await cluster.ScalarAsync("select count(*) from test_timer_fired where tag like 'note:%'")).ShouldBe(3);
        (await cluster.ScalarAsync("select count(*) from actor_dead_letters where kind = 'test.note' and error like '%poisoned note%'")).ShouldBe(1);
    }

    [Fact]
    public async Task Timers_FireWhenDue_AndCancelledOnesDoNot()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a", time);
        var ct = TestContext.Current.CancellationToken;
        var now = time.GetUtcNow();

        await node.Client.SendBatchAsync(
            [
                new ActorMessage(Counter("t"), new Schedule("follow-up", now.AddDays(1), "day")),
                new ActorMessage(Counter("t"), new Schedule("deadline", now.AddHours(4), "hours")),
                new ActorMessage(Counter("t"), new Schedule("cancelled", now.AddHours(1), "never")),
                new ActorMessage(Counter("t"), new Unschedule("cancelled")),
            ],
            ct);
        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from actor_timers") == 2, Patience, "timers stored");

        time.Advance(TimeSpan.FromHours(5));
        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from test_timer_fired") == 1, Patience, "the 4-hour timer");
        (await cluster.ScalarAsync("select count(*) from test_timer_fired where tag = 'hours'")).ShouldBe(1);

        time.Advance(TimeSpan.FromDays(1));
        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from test_timer_fired") == 2, Patience, "the 1-day timer");
        (await cluster.ScalarAsync("select count(*) from test_timer_fired where tag = 'never'")).ShouldBe(0);
        (await cluster.ScalarAsync("select count(*) from actor_timers")).ShouldBe(0);
    }

    [Fact]
    public async Task Timers_FireAfterAFullClusterStopAndStart()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var ct = TestContext.Current.CancellationToken;
        var a = await cluster.StartNodeAsync("a", time);
        var b = await cluster.StartNodeAsync("b", time);
        var due = time.GetUtcNow().AddDays(3);
        await a.Client.SendBatchAsync(
            [.. Enumerable.Range(0, 20).Select(i => new ActorMessage(Counter($"t{i}"), new Schedule("reminder", due, $"r{i}")))], ct);
        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from actor_timers") == 20, Patience, "timers stored");

        await cluster.StopNodeAsync(a);
        await cluster.StopNodeAsync(b);
        time.Advance(TimeSpan.FromDays(4));
        (await cluster.ScalarAsync("select count(*) from test_timer_fired")).ShouldBe(0);

        await cluster.StartNodeAsync("c", time);
        await TestCluster.WaitUntilAsync(async () => await cluster.ScalarAsync("select count(*) from test_timer_fired") == 20, Patience, "every timer after the restart");
        (await cluster.ScalarAsync("select count(distinct tag) from test_timer_fired")).ShouldBe(20);
    }

    [Fact]
    public async Task ActorToActorMessages_AreDeliveredExactlyOnce()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a");
        var ct = TestContext.Current.CancellationToken;

        await node.Client.SendBatchAsync([.. Enumerable.Range(0, 10).Select(i => new ActorMessage(Counter($"src{i}"), new Forward("sink", 25)))], ct);

        await TestCluster.WaitUntilAsync(
            async () => await node.Client.AskAsync<long>(Counter("sink"), new GetTotal(), cancellationToken: ct) == 250, Patience, "250 forwarded adds");
        await Task.Delay(300, ct);
        (await node.Client.AskAsync<long>(Counter("sink"), new GetTotal(), cancellationToken: ct)).ShouldBe(250);
    }

    [Fact]
    public async Task Signals_PublishedWhereTheActorLives_ReachSubscribersOnEveryNode()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var processor = await cluster.StartNodeAsync("processor");
        var watcher = await cluster.StartNodeAsync("watcher", processMessages: false);
        var received = new TaskCompletionSource<ActorSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = watcher.Signals.Subscribe("counter/", s => received.TrySetResult(s));

        await processor.Client.SendAsync(Counter("announcer"), new Announce("hello"), cancellationToken: TestContext.Current.CancellationToken);

        var signal = await received.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);
        signal.Topic.ShouldBe("counter/announcer");
        signal.PayloadAs<Announcement>().ShouldBe(new Announcement("announcer", "hello"));
    }

    [Fact]
    public async Task Signals_OnTheNodeThatCommittedThem_ReachItsSubscribersOnceInCommitOrder()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var processor = await cluster.StartNodeAsync("processor");
        var watcher = await cluster.StartNodeAsync("watcher", processMessages: false);
        var ct = TestContext.Current.CancellationToken;
        var local = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var remote = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var localSubscription = processor.Signals.Subscribe("counter/", s => local.Enqueue(s.PayloadAs<Announcement>()!.Text));
        using var remoteSubscription = watcher.Signals.Subscribe("counter/", s => remote.Enqueue(s.PayloadAs<Announcement>()!.Text));

        for (var i = 0; i < 20; i++)
        {
            await processor.Client.SendAsync(Counter("announcer"), new Announce($"m{i}"), cancellationToken: ct);
        }

        // The other node hears them through PostgreSQL; by then the notifications have reached this node's listener
        // too, which must skip them: they were dispatched here when they committed.
        var expected = Enumerable.Range(0, 20).Select(i => $"m{i}").ToArray();
        await TestCluster.WaitUntilAsync(() => Task.FromResult(remote.Count == 20), Patience, "the other node heard every signal");
        await Task.Delay(300, ct);
        remote.ShouldBe(expected);
        local.ShouldBe(expected);
    }

    [Fact]
    public async Task DeleteState_RemovesStateAndTimers_AndTheActorStartsAfresh()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.CreateAsync(postgres, output);
        var node = await cluster.StartNodeAsync("a", time);
        var ct = TestContext.Current.CancellationToken;
        await node.Client.AskAsync<long>(Counter("gone"), new Add(9), cancellationToken: ct);
        await node.Client.SendAsync(Counter("gone"), new Schedule("x", time.GetUtcNow().AddDays(1), "x"), cancellationToken: ct);

        await node.Client.SendAsync(Counter("gone"), new Forget(), cancellationToken: ct);

        (await node.Client.AskAsync<long>(Counter("gone"), new GetTotal(), cancellationToken: ct)).ShouldBe(0);
        (await cluster.ScalarAsync("select count(*) from actor_state where actor_key = 'gone'")).ShouldBe(0);
        (await cluster.ScalarAsync("select count(*) from actor_timers where actor_key = 'gone'")).ShouldBe(0);
    }

    [Fact]
    public async Task Nodes_ShareThePartitionsFairly_AndAGracefulLeaveHandsThemOverAtOnce()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output, partitions: 32, ttl: TimeSpan.FromSeconds(90));
        var a = await cluster.StartNodeAsync("a");
        a.OwnedPartitions.Count.ShouldBe(32);
        var b = await cluster.StartNodeAsync("b");
        var c = await cluster.StartNodeAsync("c");

        await TestCluster.WaitUntilAsync(
            () => Task.FromResult(cluster.Nodes.All(n => n.OwnedPartitions.Count is 10 or 11) && cluster.Nodes.Sum(n => n.OwnedPartitions.Count) == 32),
            Patience,
            "a fair share on each of three nodes");
        cluster.Nodes.SelectMany(n => n.OwnedPartitions).Distinct().Count().ShouldBe(32);

        // The lease TTL is 90 s (renewed every 30 s), so c's leases run at least 60 s past its stop: only a graceful
        // hand-over can move c's partitions within the wait below.
        await cluster.StopNodeAsync(c);
        await TestCluster.WaitUntilAsync(
            () => Task.FromResult(a.OwnedPartitions.Count + b.OwnedPartitions.Count == 32),
            TimeSpan.FromSeconds(45),
            "c's partitions taken over by a and b");
        a.OwnedPartitions.Intersect(b.OwnedPartitions).ShouldBeEmpty();
        (await cluster.ScalarAsync("select count(*) from actor_partitions where owner is null or lease_expires_at < now()")).ShouldBe(0);
    }

    [Fact]
    public async Task Node_WithAnotherPartitionCount_RefusesToStart()
    {
        await using var cluster = await TestCluster.CreateAsync(postgres, output, partitions: 16);
        await cluster.StartNodeAsync("a");
        await using var other = TestCluster.OnServer(cluster.ConnectionString, output, partitions: 32);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => other.StartNodeAsync("b"));
        error.Message.ShouldContain("16");
    }

    [Fact]
    public async Task TenThousandMessages_OverThreeNodes_KeepPerActorOrderAndEffectsExactlyOnce()
    {
        const int Actors = 200;
        const int PerActor = 50;
        await using var cluster = await TestCluster.CreateAsync(postgres, output, partitions: 32);
        var ct = TestContext.Current.CancellationToken;
        var a = await cluster.StartNodeAsync("a", batchSize: 64);

        // Nodes join while messages flow, so partitions move between owners mid-stream.
        for (var seq = 1; seq <= PerActor; seq++)
        {
            var round = seq;
            await a.Client.SendBatchAsync([.. Enumerable.Range(0, Actors).Select(i => new ActorMessage(Recorder($"r{i}"), new TestNode.Record(round)))], ct);
            if (seq is 10 or 25)
            {
                // Join and wait until the newcomer holds partitions, while earlier rounds may still be in flight.
                var joined = await cluster.StartNodeAsync(seq == 10 ? "b" : "c", batchSize: 64);
                await TestCluster.WaitUntilAsync(() => Task.FromResult(joined.OwnedPartitions.Count > 0), Patience, "the new node holds partitions");
            }
        }

        await TestCluster.WaitUntilAsync(
            async () => await cluster.ScalarAsync("select count(*) from test_effects") >= Actors * PerActor, TimeSpan.FromSeconds(120), "10,000 effects");
        await Task.Delay(500, ct);

        (await cluster.ScalarAsync("select count(*) from test_effects")).ShouldBe(Actors * PerActor);
        (await cluster.ScalarAsync("select count(*) from (select distinct actor_key, seq from test_effects) d")).ShouldBe(Actors * PerActor);
        (await cluster.ScalarAsync("select count(*) from test_violations")).ShouldBe(0);
        (await cluster.ScalarAsync("select count(*) from actor_state where actor_type = 'recorder' and (state->>'lastSeq')::int = 50 and (state->>'count')::int = 50")).ShouldBe(Actors);
        (await cluster.ScalarAsync("select count(distinct node) from test_effects")).ShouldBe(3);
    }
}
