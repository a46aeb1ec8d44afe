using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Samverkan.Domain.Calendar;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>
/// Alert latency end to end (issue 5): the real host as a process; background load of 1,000 absence registrations per
/// second through the batch endpoint; meanwhile, one call per "crossing" child whose registrations cross the 20 %
/// threshold. Measured: from that call's 2xx to the alert's arrival on the counsellor's Server-Sent Events stream
/// (child actor → case actor → team fan-out → inbox → signal → stream).
/// </summary>
internal static class AlertBenchmarks
{
    private const string Municipality = "1280";
    private const string Organisation = "org-bench-skola";
    private const string School = "s-bench";
    private const int EventsPerSecond = 1000;
    private const int BatchesPerSecond = 20;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task RunAsync(LocalPostgresServer server, Report report, bool quick)
    {
        var database = "bench_alerts";
        await using (var admin = new NpgsqlConnection(server.GetConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"drop database if exists {database} with (force); create database {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        await using var host = await HostProcess.StartAsync(server.GetConnectionString(database), new Dictionary<string, string>
        {
            ["Samverkan:Demo:Enabled"] = "false",
            ["Samverkan:RateLimits:Enabled"] = "false",
            ["Samverkan:Http:MaxRequestBodyBytes"] = "8388608",
            ["Samverkan:DevUsers:0:Staff"] = "bench-feed",
            ["Samverkan:DevUsers:0:Name"] = "Benchmark feed",
            ["Samverkan:DevUsers:0:Organisation"] = Organisation,
            ["Samverkan:DevUsers:0:Municipality"] = Municipality,
            ["Samverkan:DevUsers:0:Agency"] = "School",
            ["Samverkan:DevUsers:0:Scope"] = "samverkan.ingest",
            ["Samverkan:DevUsers:1:Staff"] = "bench-counsellor",
            ["Samverkan:DevUsers:1:Name"] = "Benchmark counsellor",
            ["Samverkan:DevUsers:1:Organisation"] = Organisation,
            ["Samverkan:DevUsers:1:Municipality"] = Municipality,
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
        var keys = Enumerable.Range(10_000, background + crossing).Select(IngestBenchmarks.ChildKey).ToArray();
        await IngestBenchmarks.EnrolAsync(feed, keys);

        // The counsellor (member of the school's student-health team) watches the stream.
        using var watcher = new HttpClient { BaseAddress = host.Address, Timeout = Timeout.InfiniteTimeSpan };
        watcher.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenAsync("bench-counsellor"));
        var arrived = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var stream = await OpenStreamAsync(watcher, arrived, stop.Token);
        var opened = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var listening = await ListenForCasesAsync(server.GetConnectionString(database), opened, stop.Token);

        // Background: 1,000 registrations/s in 20 batches of 50 (present days: no threshold crossed), each round with a new
        // reported time, so every batch is new work for the child actors.
        var load = BackgroundLoadAsync(feed, keys.Take(background).ToArray(), days, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var answered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var interval = TimeSpan.FromMilliseconds(quick ? 100 : 66);
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        var crossingKeys = keys.Skip(background).ToArray();
        for (var i = 0; i < crossingKeys.Length; i++)
        {
            var key = crossingKeys[i];
            var wait = interval * i - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            calls.Add(Task.Run(async () =>
            {
                var items = days.Select((day, d) => IngestBenchmarks.Registration(key, day, absent: d >= days.Length - 6)).ToList();
                using var response = await feed.PostAsJsonAsync("/api/v1/absences/batch", new { items }, Json);
                var at = Stopwatch.GetTimestamp();
                response.EnsureSuccessStatusCode();
                answered[key] = at;
            }));
        }

        await Task.WhenAll(calls);
        var deadline = Stopwatch.StartNew();
        while (crossingKeys.Count(arrived.ContainsKey) < crossingKeys.Length && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        var (sent, seconds, failures) = await load;
        await stream;
        await listening;

        var latencies = crossingKeys.Where(k => arrived.ContainsKey(k) && answered.ContainsKey(k))
            .Select(k => Math.Max(0, Stopwatch.GetElapsedTime(answered[k], arrived[k]).TotalMilliseconds)).Order().ToArray();
        var toCase = crossingKeys.Where(k => opened.ContainsKey(k) && answered.ContainsKey(k))
            .Select(k => Math.Max(0, Stopwatch.GetElapsedTime(answered[k], opened[k]).TotalMilliseconds)).Order().ToArray();
        var caseToAlert = crossingKeys.Where(k => opened.ContainsKey(k) && arrived.ContainsKey(k))
            .Select(k => Math.Max(0, Stopwatch.GetElapsedTime(opened[k], arrived[k]).TotalMilliseconds)).Order().ToArray();
        Console.WriteLine($"    alerts: {latencies.Length} of {crossingKeys.Length} alerts arrived; background {sent:N0} registrations in {seconds:0.0} s, {failures} refused");
        report.Add("alerts (ingest → SSE stream)", "background absence registrations (2xx)", sent / seconds, "reg/s", EventsPerSecond * 0.95);
        report.Add("alerts (ingest → SSE stream)", "p50 2xx of crossing call → alert on stream", IngestBenchmarks.Percentile(latencies, 0.50), "ms");
        report.Add("alerts (ingest → SSE stream)", "p99 2xx of crossing call → alert on stream", IngestBenchmarks.Percentile(latencies, 0.99), "ms", 50, higherIsBetter: false);
        report.Add("alerts (ingest → SSE stream)", "p50 of it: 2xx → case opened", IngestBenchmarks.Percentile(toCase, 0.50), "ms");
        report.Add("alerts (ingest → SSE stream)", "p99 of it: 2xx → case opened", IngestBenchmarks.Percentile(toCase, 0.99), "ms");
        report.Add("alerts (ingest → SSE stream)", "p50 of it: case opened → alert on stream", IngestBenchmarks.Percentile(caseToAlert, 0.50), "ms");
        report.Add("alerts (ingest → SSE stream)", "p99 of it: case opened → alert on stream", IngestBenchmarks.Percentile(caseToAlert, 0.99), "ms");
        report.Add("alerts (ingest → SSE stream)", "alerts arrived of crossing calls", latencies.Length, $"of {crossingKeys.Length}", crossingKeys.Length);
    }

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
                items[j] = new
                {
                    source = "bench-load",
                    sourceId = $"{key}-{day:yyyyMMdd}",
                    pupil = new { key },
                    school = School,
                    date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    offeredMinutes = 300,
                    attendanceMinutes = 300,
                    validAbsenceMinutes = 0,
                    invalidAbsenceMinutes = 0,
                    otherAttendanceMinutes = 0,
                    reportedTimestamp = DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(round),
                };
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(async () =>
            {
                using var response = await client.PostAsJsonAsync("/api/v1/absences/batch", new { items }, Json);
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

    /// <summary>Records when each child's case opened (the first <c>cases/…</c> signal of case <c>{child}-1</c>).</summary>
    private static async Task<Task> ListenForCasesAsync(string connectionString, ConcurrentDictionary<string, long> opened, CancellationToken stop)
    {
        var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        listener.Notification += (_, e) =>
        {
            if (!e.Payload.StartsWith("cases/", StringComparison.Ordinal))
            {
                return;
            }

            var body = e.Payload[(e.Payload.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            var caseId = JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString()!;
            opened.TryAdd(caseId[..caseId.LastIndexOf('-')], Stopwatch.GetTimestamp());
        };
        await using (var listen = new NpgsqlCommand("listen samverkan_signals", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        return Task.Run(async () =>
        {
            await using (listener)
            {
                while (!stop.IsCancellationRequested)
                {
                    await listener.WaitAsync(TimeSpan.FromMilliseconds(100));
                }
            }
        });
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
