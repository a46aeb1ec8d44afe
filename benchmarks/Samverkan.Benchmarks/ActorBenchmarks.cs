using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>
/// The actor runtime on one node with PostgreSQL on the same machine: throughput from durable send to processed
/// (single and batched), latency at a paced 1,000 messages/s, and memory per active actor.
/// </summary>
internal static class ActorBenchmarks
{
    public static async Task RunAsync(LocalPostgresServer server, Report report, bool quick, double pgbenchTps)
    {
        var seconds = quick ? 4 : 10;

        var single = await ThroughputAsync(server, "single", senders: 16, batch: 1, TimeSpan.FromSeconds(seconds), actors: 10_000);
        report.Add("actors: durable send → processed", "single sends, 16 concurrent callers", single, "msg/s");
        report.Add("actors: durable send → processed", "single sends ÷ pgbench -N TPS", single / pgbenchTps, "×");

        var batched = await ThroughputAsync(server, "batched", senders: 4, batch: 1000, TimeSpan.FromSeconds(seconds), actors: 10_000);
        report.Add("actors: durable send → processed", "batches of 1,000, 4 concurrent callers", batched, "msg/s", 20_000);
        report.Add("actors: durable send → processed", "batched ÷ pgbench -N TPS", batched / pgbenchTps, "×");

        var (p50, p99, max) = await LatencyAsync(server, rate: 1000, TimeSpan.FromSeconds(seconds));
        report.Add("actors: latency at 1,000 msg/s", "p50 send → committed", p50, "ms");
        report.Add("actors: latency at 1,000 msg/s", "p99 send → committed", p99, "ms", 20, higherIsBetter: false);
        report.Add("actors: latency at 1,000 msg/s", "max send → committed", max, "ms");

        var bytes = await MemoryPerActorAsync(server, quick ? 50_000 : 100_000);
        report.Add("actors: memory", "bytes per active actor (small state)", bytes, "B", 2048, higherIsBetter: false);
    }

    private static async Task<Node> StartNodeAsync(LocalPostgresServer server, string database, ActorRuntimeOptions? options = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(await server.RecreateAsync(database)) { MaxPoolSize = 64, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await Migrator.ApplyAsync(dataSource, [new MigrationSource("actors", typeof(ActorHost).Assembly)]);
        options ??= new ActorRuntimeOptions();
        options.NodeName = "bench";
        var host = new ActorHost(dataSource, options, [new BenchActor()]);
        await host.StartAsync();
        return new Node(host, dataSource);
    }

    private static async Task<double> ThroughputAsync(LocalPostgresServer server, string name, int senders, int batch, TimeSpan duration, int actors)
    {
        await using var node = await StartNodeAsync(server, "bench_" + name);
        long processed = 0;
        node.Host.Committed = items => Interlocked.Add(ref processed, items.Count);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var random = new Random(s);
            while (!stop.IsCancellationRequested)
            {
                if (batch == 1)
                {
                    await node.Host.Client.SendAsync(new ActorId(BenchActor.Name, $"a{random.Next(actors)}"), Ping.Now());
                }
                else
                {
                    var messages = new ActorMessage[batch];
                    for (var i = 0; i < batch; i++)
                    {
                        messages[i] = new ActorMessage(new ActorId(BenchActor.Name, $"a{random.Next(actors)}"), Ping.Now());
                    }

                    await node.Host.Client.SendBatchAsync(messages);
                }

                Interlocked.Add(ref sent, batch);
            }
        })));

        while (Interlocked.Read(ref processed) < Interlocked.Read(ref sent))
        {
            await Task.Delay(5);
        }

        var elapsed = clock.Elapsed;
        Console.WriteLine($"    {name}: {sent:N0} messages sent in {duration.TotalSeconds:0} s, all processed after {elapsed.TotalSeconds:0.00} s");
        return sent / elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99, double Max)> LatencyAsync(LocalPostgresServer server, int rate, TimeSpan duration)
    {
        await using var node = await StartNodeAsync(server, "bench_latency");
        var latencies = new ConcurrentBag<double>();
        var measuring = false;
        node.Host.Committed = items =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var item in items)
            {
                if (Volatile.Read(ref measuring) && item.Kind == "bench.ping")
                {
                    var ping = JsonSerializer.Deserialize<Ping>(item.Payload, ActorRuntimeOptions.CreateDefaultJsonOptions())!;
                    latencies.Add(Stopwatch.GetElapsedTime(ping.SentAt, now).TotalMilliseconds);
                }
            }
        };

        // Paced: one single send every 1/rate s, each its own caller, as an API would see it.
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var warmup = TimeSpan.FromSeconds(1);
        var clock = Stopwatch.StartNew();
        var inflight = new List<Task>();
        long n = 0;
        while (clock.Elapsed < duration + warmup)
        {
            if (clock.Elapsed > warmup)
            {
                Volatile.Write(ref measuring, true);
            }

            var due = interval * n;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            inflight.Add(node.Host.Client.SendAsync(new ActorId(BenchActor.Name, $"a{n % 5000}"), Ping.Now()));
            n++;
            if (inflight.Count > 2000)
            {
                inflight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inflight);
        await Task.Delay(500);
        var sorted = latencies.Order().ToArray();
        Console.WriteLine($"    latency: {sorted.Length:N0} measured messages at {rate}/s");
        return (Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    private static async Task<double> MemoryPerActorAsync(LocalPostgresServer server, int actors)
    {
        await using var node = await StartNodeAsync(server, "bench_memory", new ActorRuntimeOptions { MaxActiveActors = actors * 2, IdleTimeout = TimeSpan.FromHours(1) });

        // Warm up every code path with a few actors before the baseline.
        await node.Host.Client.SendBatchAsync([.. Enumerable.Range(0, 1000).Select(i => new ActorMessage(new ActorId(BenchActor.Name, $"w{i}"), Ping.Now()))]);
        while (node.Host.ActiveActors < 1000)
        {
            await Task.Delay(20);
        }

        var before = Measure();
        for (var start = 0; start < actors; start += 5000)
        {
            await node.Host.Client.SendBatchAsync([.. Enumerable.Range(start, 5000).Select(i => new ActorMessage(new ActorId(BenchActor.Name, $"m{i}"), Ping.Now()))]);
        }

        while (node.Host.ActiveActors < actors + 1000)
        {
            await Task.Delay(50);
        }

        await Task.Delay(500);
        var after = Measure();
        Console.WriteLine($"    memory: {node.Host.ActiveActors:N0} active actors; heap {before / 1e6:0.0} MB → {after / 1e6:0.0} MB");
        return (after - before) / (double)actors;

        static long Measure()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record Node(ActorHost Host, NpgsqlDataSource DataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await DataSource.DisposeAsync();
        }
    }
}
