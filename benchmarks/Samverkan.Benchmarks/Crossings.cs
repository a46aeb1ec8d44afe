using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Samverkan.Benchmarks;

/// <summary>
/// What the ingest and alerts scenarios share to time "crossing" calls: children whose registrations cross the 20 %
/// threshold, the moments the host's signals say what followed (case opened, alert in the inbox), and the latencies.
/// Every time is a <see cref="Stopwatch.GetTimestamp"/> per child key.
/// </summary>
internal static class Crossings
{
    /// <summary>One batch call per child, <paramref name="interval"/> apart, whose last 6 of the days are absent; records each 2xx.</summary>
    public static async Task CrossAsync(HttpClient feed, string[] keys, IReadOnlyList<DateOnly> days, TimeSpan interval, ConcurrentDictionary<string, long> answered)
    {
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            var wait = interval * i - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            calls.Add(Task.Run(async () =>
            {
                var items = days.Select((day, d) => IngestBenchmarks.Registration(key, day, absent: d >= days.Count - 6)).ToList();
                using var response = await feed.PostAsJsonAsync("/api/v1/absences/batch", new { items }, IngestBenchmarks.Json);
                var at = Stopwatch.GetTimestamp();
                response.EnsureSuccessStatusCode();
                answered[key] = at;
            }));
        }

        await Task.WhenAll(calls);
    }

    /// <summary>Waits (at most 30 s) until every key has a time in <paramref name="times"/>.</summary>
    public static async Task WaitForAsync(ConcurrentDictionary<string, long> times, string[] keys)
    {
        var deadline = Stopwatch.StartNew();
        while (keys.Count(times.ContainsKey) < keys.Length && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Per child, the time from <paramref name="from"/> to <paramref name="to"/> in ms, sorted (children missing either are left out).</summary>
    public static double[] Latencies(string[] keys, ConcurrentDictionary<string, long> from, ConcurrentDictionary<string, long> to) =>
        [.. keys.Where(k => from.ContainsKey(k) && to.ContainsKey(k)).Select(k => Math.Max(0, Stopwatch.GetElapsedTime(from[k], to[k]).TotalMilliseconds)).Order()];

    /// <summary>
    /// Listens to the host's signals until <paramref name="stop"/>: records when each child's case opened (the first
    /// <c>cases/…</c> signal of case <c>{child}-1</c>) and, when <paramref name="delivered"/> is given, when its alert
    /// was committed in an inbox (the <c>alerts/…</c> signal, whose alert key <c>case/{child}-1/…</c> starts with the
    /// case). Returns the listening loop.
    /// </summary>
    public static async Task<Task> ListenAsync(
        string connectionString, ConcurrentDictionary<string, long> opened, ConcurrentDictionary<string, long>? delivered, CancellationToken stop)
    {
        var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        listener.Notification += (_, e) =>
        {
            var at = Stopwatch.GetTimestamp();
            var body = e.Payload[(e.Payload.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            if (e.Payload.StartsWith("cases/", StringComparison.Ordinal))
            {
                var caseId = JsonDocument.Parse(body).RootElement.GetProperty("caseId").GetString()!;
                opened.TryAdd(caseId[..caseId.LastIndexOf('-')], at);
            }
            else if (delivered is not null && e.Payload.StartsWith("alerts/", StringComparison.Ordinal))
            {
                var parts = JsonDocument.Parse(body).RootElement.GetProperty("alertKey").GetString()!.Split('/');
                if (parts.Length > 1 && parts[0] == "case")
                {
                    delivered.TryAdd(parts[1][..parts[1].LastIndexOf('-')], at);
                }
            }
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
}
