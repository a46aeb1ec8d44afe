using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>
/// Alert latency end to end (issue 5): the real host as a process; background load of 1,000 absence registrations per
/// second through the batch endpoint; meanwhile, one call per "crossing" child whose registrations cross the 20 %
/// threshold. Measured: from that call's 2xx to the alert's arrival on the counsellor's Server-Sent Events stream
/// (child actor → case actor → inbox → signal → stream). The first <see cref="Warmup"/> crossings, a second after the
/// load starts, are the cold figure; the measured ones follow after the load has run 10 s more (20 s in the full run).
/// </summary>
internal static class AlertBenchmarks
{
    private const int EventsPerSecond = 1000;
    private const int BatchesPerSecond = 20;
    private const int Warmup = 5;

    public static async Task RunAsync(LocalPostgresServer server, Report report, bool quick)
    {
        await using var host = await HostProcess.StartScenarioAsync(server, "bench_alerts", new Dictionary<string, string>
        {
            ["Samverkan:DevUsers:1:Staff"] = "bench-counsellor",
            ["Samverkan:DevUsers:1:Name"] = "Benchmark counsellor",
            ["Samverkan:DevUsers:1:Organisation"] = IngestBenchmarks.Organisation,
            ["Samverkan:DevUsers:1:Municipality"] = IngestBenchmarks.Municipality,
            ["Samverkan:DevUsers:1:Agency"] = "School",
            ["Samverkan:DevUsers:1:Roles:0"] = "Counsellor",
        });
        using var feed = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        feed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenAsync("bench-feed"));
        var calendar = await IngestBenchmarks.SetUpAsync(feed);
        var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
        var days = calendar.LastSchoolDays(today.AddDays(-1), 20);
        var background = quick ? 250 : 500;
        var crossing = quick ? 100 : 300;
        var keys = Enumerable.Range(10_000, background + Warmup + crossing).Select(IngestBenchmarks.ChildKey).ToArray();
        await IngestBenchmarks.EnrolAsync(feed, keys);

        // The counsellor (member of the school's student-health team) watches the stream.
        using var watcher = new HttpClient { BaseAddress = host.Address, Timeout = Timeout.InfiniteTimeSpan };
        watcher.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenAsync("bench-counsellor"));
        var arrived = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var stream = await OpenStreamAsync(watcher, arrived, stop.Token);
        var opened = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var delivered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var listening = await Crossings.ListenAsync(server.GetConnectionString("bench_alerts"), opened, delivered, stop.Token);

        // Background: 1,000 registrations/s in 20 batches of 50 (present days: no threshold crossed), each round with a new
        // reported time, so every batch is new work for the child actors.
        var load = BackgroundLoadAsync(feed, keys.Take(background).ToArray(), days, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // Cold: the first children to cross after the host started pay for code paths run for the first time (JIT,
        // serializer metadata, statement preparation). They are reported apart.
        var answered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var warmKeys = keys.Skip(background).Take(Warmup).ToArray();
        await Crossings.CrossAsync(feed, warmKeys, days, TimeSpan.FromMilliseconds(200), answered);
        await Crossings.WaitForAsync(arrived, warmKeys);
        var cold = Crossings.Latencies(warmKeys, answered, arrived);

        // The measured calls start once the node has run under this load for a while (past the JIT's first tiering),
        // which is how a node that has been up for more than a minute serves.
        await Task.Delay(TimeSpan.FromSeconds(quick ? 10 : 20));

        var interval = TimeSpan.FromMilliseconds(quick ? 100 : 66);
        var crossingKeys = keys.Skip(background + Warmup).ToArray();
        await Crossings.CrossAsync(feed, crossingKeys, days, interval, answered);
        await Crossings.WaitForAsync(arrived, crossingKeys);

        await stop.CancelAsync();
        var (sent, seconds, failures) = await load;
        await stream;
        await listening;

        var latencies = Crossings.Latencies(crossingKeys, answered, arrived);
        var toCase = Crossings.Latencies(crossingKeys, answered, opened);
        var caseToInbox = Crossings.Latencies(crossingKeys, opened, delivered);
        var inboxToStream = Crossings.Latencies(crossingKeys, delivered, arrived);
        if (Environment.GetEnvironmentVariable("SAMVERKAN_BENCH_TRACE") == "1")
        {
            foreach (var key in crossingKeys)
            {
                Console.WriteLine($"    trace {key[..8]}: 2xx → case {Between(answered, opened, key)} → inbox {Between(opened, delivered, key)} → stream {Between(delivered, arrived, key)} ms");
            }
        }

        Console.WriteLine($"    alerts: {latencies.Length} of {crossingKeys.Length} alerts arrived; background {sent:N0} registrations in {seconds:0.0} s, {failures} refused");
        const string Scenario = "alerts (ingest → SSE stream)";
        report.Add(Scenario, "background absence registrations (2xx)", sent / seconds, "reg/s", EventsPerSecond * 0.95);
        report.Add(Scenario, $"cold: max of the first {Warmup} after start", cold.DefaultIfEmpty(double.NaN).Max(), "ms");
        report.Add(Scenario, "p50 2xx of crossing call → alert on stream", IngestBenchmarks.Percentile(latencies, 0.50), "ms");
        report.Add(Scenario, "p99 2xx of crossing call → alert on stream", IngestBenchmarks.Percentile(latencies, 0.99), "ms", 50, higherIsBetter: false);
        report.Add(Scenario, "max 2xx of crossing call → alert on stream", latencies.DefaultIfEmpty(double.NaN).Max(), "ms");
        report.Add(Scenario, "p50 of it: 2xx → case opened", IngestBenchmarks.Percentile(toCase, 0.50), "ms");
        report.Add(Scenario, "p99 of it: 2xx → case opened", IngestBenchmarks.Percentile(toCase, 0.99), "ms");
        report.Add(Scenario, "p50 of it: case opened → inbox committed", IngestBenchmarks.Percentile(caseToInbox, 0.50), "ms");
        report.Add(Scenario, "p99 of it: case opened → inbox committed", IngestBenchmarks.Percentile(caseToInbox, 0.99), "ms");
        report.Add(Scenario, "p50 of it: inbox committed → on stream", IngestBenchmarks.Percentile(inboxToStream, 0.50), "ms");
        report.Add(Scenario, "p99 of it: inbox committed → on stream", IngestBenchmarks.Percentile(inboxToStream, 0.99), "ms");
        report.Add(Scenario, "alerts arrived of crossing calls", latencies.Length, $"of {crossingKeys.Length}", crossingKeys.Length);
    }

    private static string Between(ConcurrentDictionary<string, long> from, ConcurrentDictionary<string, long> to, string key) =>
        from.TryGetValue(key, out var a) && to.TryGetValue(key, out var b) ? Stopwatch.GetElapsedTime(a, b).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private static async Task<(long Sent, double Seconds, int Failures)> BackgroundLoadAsync(HttpClient client, string[] keys, IReadOnlyList<DateOnly> days, CancellationToken stop)
    {
        var perBatch = EventsPerSecond / BatchesPerSecond;
        var pairs = keys.SelectMany(k => days.Select(d => (Key: k, Day: d))).ToArray();
        long sent = 0;
        var failures = 0;
        var next = 0;
        var round = 0;
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var tick = TimeSpan.FromSeconds(1.0 / BatchesPerSecond);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var wait = tick * i - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var items = new object[perBatch];
            for (var j = 0; j < perBatch; j++)
            {
                if (next == pairs.Length)
                {
                    next = 0;
                    round++;
                }

                var (key, day) = pairs[next++];
                items[j] = IngestBenchmarks.Registration(key, day, absent: false, "bench-load", DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(round));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(async () =>
            {
                using var response = await client.PostAsJsonAsync("/api/v1/absences/batch", new { items }, IngestBenchmarks.Json);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Add(ref sent, items.Length);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(inFlight);
        return (sent, seconds, failures);
    }

    /// <summary>Reads the stream in the background and records when each child's first alert arrived.</summary>
    private static async Task<Task> OpenStreamAsync(HttpClient client, ConcurrentDictionary<string, long> arrived, CancellationToken stop)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts/stream");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return Task.Run(async () =>
        {
            using (response)
            using (reader)
            {
                try
                {
                    while (await reader.ReadLineAsync(stop) is { } line)
                    {
                        if (line.StartsWith("data: {\"id\"", StringComparison.Ordinal))
                        {
                            var at = Stopwatch.GetTimestamp();
                            var child = JsonDocument.Parse(line[6..]).RootElement.GetProperty("childKey").GetString()!;
                            arrived.TryAdd(child, at);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Done.
                }
            }
        });
    }
}
