using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

/// <summary>
/// Absence ingest end to end: the real host as a process, batches of SS 12000-shaped registrations over HTTP, processed
/// by the child actors (rule evaluation included); and the latency from the 2xx of the call whose registrations cross a
/// threshold to the case-opened signal.
/// </summary>
internal static class IngestBenchmarks
{
    internal const string Municipality = "1280";
    internal const string School = "s-bench";
    internal const string Organisation = "org-bench-skola";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task RunAsync(LocalPostgresServer server, Report report, bool quick)
    {
        var database = "bench_ingest";
        await using var host = await HostProcess.StartScenarioAsync(server, database);
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenAsync("bench-feed"));
        await using var dataSource = NpgsqlDataSource.Create(server.GetConnectionString(database));

        var calendar = await SetUpAsync(client);
        var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
        var days = calendar.LastSchoolDays(today.AddDays(-1), 20);
        var children = quick ? 500 : 1000;
        var keys = Enumerable.Range(0, children + 200).Select(ChildKey).ToArray();
        await EnrolAsync(client, keys);

        // Throughput: every child's last 20 school days, present, in batches of 1,000 from 4 concurrent callers.
        var items = keys.Take(children).SelectMany(key => days.Select(day => Registration(key, day, absent: false))).ToList();
        var clock = Stopwatch.StartNew();
        var batches = items.Chunk(1000).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < batches.Count)
            {
                var response = await client.PostAsJsonAsync("/api/v1/absences/batch", new { items = batches[i] }, Json);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"Ingest refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        var stored = clock.Elapsed;
        await WaitForEmptyOutboxesAsync(dataSource);
        var processed = clock.Elapsed;
        Console.WriteLine($"    ingest: {items.Count:N0} registrations stored in {stored.TotalSeconds:0.00} s, processed in {processed.TotalSeconds:0.00} s");
        report.Add("absence ingest (HTTP → child actors)", "registrations stored (2xx), batches of 1,000", items.Count / stored.TotalSeconds, "reg/s");
        report.Add("absence ingest (HTTP → child actors)", "registrations processed, rules evaluated", items.Count / processed.TotalSeconds, "reg/s");

        // Latency: one call per child with 6 of 20 days absent (30 %): from its 2xx to the case-opened signal.
        var latencies = await CaseLatencyAsync(client, server.GetConnectionString(database), keys.Skip(children).ToArray(), days);
        report.Add("absence ingest (HTTP → child actors)", "p50 2xx → case opened", Percentile(latencies, 0.50), "ms");
        report.Add("absence ingest (HTTP → child actors)", "p99 2xx → case opened", Percentile(latencies, 0.99), "ms");
    }

    internal static async Task<SchoolCalendar> SetUpAsync(HttpClient client)
    {
        await PutAsync(client, $"/api/v1/municipalities/{Municipality}", new { name = "Benchkommun", regionCode = "12" });
        await PutAsync(client, "/api/v1/teams/t-bench-eht", new
        {
            id = "t-bench-eht", name = "EHT", agency = "School", organisation = Organisation, municipality = Municipality,
            members = new[] { new { staff = "bench-counsellor", role = "Counsellor" } },
        });
        await PutAsync(client, $"/api/v1/schools/{School}", new
        {
            id = School, name = "Benchskolan", municipality = Municipality, kind = "Compulsory", organisation = Organisation, studentHealthTeam = "t-bench-eht",
        });

        // A calendar whose spring term surrounds today, so the benchmark runs the same in any season.
        var today = SwedishTime.DateOf(DateTimeOffset.UtcNow);
        var definition = new SchoolCalendarDefinition
        {
            Municipality = new MunicipalityCode(Municipality),
            Years =
            [
                new SchoolYearDefinition
                {
                    StartYear = today.AddDays(-200).Year,
                    AutumnTerm = new DateRange(today.AddDays(-200), today.AddDays(-101)),
                    SpringTerm = new DateRange(today.AddDays(-100), today.AddDays(60)),
                },
            ],
        };
        await PutAsync(client, $"/api/v1/municipalities/{Municipality}/calendar", definition);
        return SchoolCalendar.Create(definition);
    }

    internal static async Task EnrolAsync(HttpClient client, string[] keys)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < keys.Length)
            {
                var response = await client.PostAsJsonAsync("/api/v1/children", new
                {
                    child = new { key = keys[i] },
                    homeMunicipality = Municipality,
                    enrolments = new[] { new { school = School, from = SwedishTime.DateOf(DateTimeOffset.UtcNow).AddDays(-300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } },
                }, Json);
                response.EnsureSuccessStatusCode();
            }
        })));
    }

    private static async Task<double[]> CaseLatencyAsync(HttpClient client, string connectionString, string[] keys, IReadOnlyList<DateOnly> days)
    {
        var opened = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = new CancellationTokenSource();
        var listening = await Crossings.ListenAsync(connectionString, opened, delivered: null, stop.Token);
        var answered = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        await Crossings.CrossAsync(client, keys, days, TimeSpan.FromMilliseconds(50), answered);
        await Crossings.WaitForAsync(opened, keys);
        await stop.CancelAsync();
        await listening;
        Console.WriteLine($"    latency: {opened.Count} of {keys.Length} cases opened");
        return Crossings.Latencies(keys, answered, opened);
    }

    internal static object Registration(string key, DateOnly day, bool absent, string source = "bench", DateTimeOffset? reportedAt = null) => new
    {
        source,
        sourceId = $"{key}-{day:yyyyMMdd}",
        pupil = new { key },
        school = School,
        date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        offeredMinutes = 300,
        attendanceMinutes = absent ? 0 : 300,
        validAbsenceMinutes = absent ? 300 : 0,
        invalidAbsenceMinutes = 0,
        otherAttendanceMinutes = 0,
        reportedTimestamp = reportedAt ?? DateTimeOffset.UtcNow.AddMinutes(-5),
    };

    internal static string ChildKey(int n)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new System.Text.StringBuilder("c_bench");
        for (var i = 0; i < 12; i++)
        {
            text.Append(Alphabet[(n >> (i % 6 * 5)) & 31]);
            n = (n * 31) + i;
        }

        return text.ToString();
    }

    /// <summary>Until every message the child grains sent on (to cases, teams, inboxes) has been delivered.</summary>
    internal static async Task WaitForEmptyOutboxesAsync(NpgsqlDataSource dataSource)
    {
        while (true)
        {
            await using var command = dataSource.CreateCommand("select count(*) from actor_grain_outbox");
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            await Task.Delay(20);
        }
    }

    private static async Task PutAsync(HttpClient client, string path, object body)
    {
        var response = await client.PutAsJsonAsync(path, body, Json);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
