using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>
/// PostgreSQL stops under a running host and starts again: meanwhile every path answers 503 with Retry-After (never
/// 500, never 2xx), liveness stays up and readiness goes down; afterwards the same host serves again by itself, and a
/// registration refused during the outage and sent again is stored once. The server is this class's own, so stopping
/// it touches no other test.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_outageoutageoutagezz";

    /// <summary>How long the host may take to notice the database is back (a loaded 2-core machine).</summary>
    private static readonly TimeSpan RecoveryBudget = TimeSpan.FromSeconds(180);

    private readonly PostgresServerFixture _postgres = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _postgres.InitializeAsync();

    public ValueTask DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task WhileTheDatabaseIsDown_EveryPathAnswers503WithRetryAfter_ThenTheHostRecoversAlone_AndARetriedRegistrationIsStoredOnce()
    {
        await using var host = await CoordinationHost.StartAsync(_postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        using var coordinator = host.ClientWithToken(host.Tokens.Person("kim", "org-1280-kommun", Scenario.Municipality, "SocialServices", "Coordinator"));
        var registrations = scenario.Registrations(Pupil, days: 20, absentDays: 6);
        var concern = new
        {
            id = "oro-outage",
            child = new { key = Pupil },
            category = "Neglect",
            date = "2026-03-20",
            summary = "Kommer ofta utan frukost och är trött.",
        };

        // Every read answers before the outage, so a 503 below is the outage's.
        foreach (var (what, send) in Reads(scenario, coordinator))
        {
            var response = await send();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{what} before the outage: {await response.Content.ReadAsStringAsync(Token)}");
        }

        await _postgres.Server.StopAsync(Token);
        var failures = new List<string>();
        try
        {
            foreach (var (what, send) in Reads(scenario, coordinator).Concat(
                     [
                         ("POST /api/v1/concerns", () => scenario.Counsellor.PostAsJsonAsync("/api/v1/concerns", concern, Token)),
                         ("POST /api/v1/absences/batch", () => scenario.PostAbsencesAsync(registrations)),
                     ]))
            {
                var response = await send();
                var body = await response.Content.ReadAsStringAsync(Token);
                if (Unavailable(response, body) is { } failure)
                {
                    failures.Add($"{what}: {failure}");
                }
            }

            using var probe = host.CreateClient();
            (await probe.GetAsync("/health/live", Token)).StatusCode.ShouldBe(HttpStatusCode.OK, "liveness never depends on the database");
            var ready = await probe.GetAsync("/health/ready", Token);
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "readiness reports the outage");
            ready.Headers.RetryAfter.ShouldNotBeNull();
            await Should.ThrowAsync<NpgsqlException>(() => host.ScalarAsync("select 1::bigint"), "the database really is down");
        }
        finally
        {
            await _postgres.Server.RestartAsync(CancellationToken.None);

            // The test's own pooled admin connections died with the server (the host's are left to recover by themselves).
            await using var admin = new NpgsqlConnection(_postgres.Server.GetConnectionString("postgres"));
            NpgsqlConnection.ClearPool(admin);
        }

        failures.ShouldBeEmpty();

        // The same host, not restarted: it answers again once its connections are re-established.
        using var probeAfter = host.CreateClient();
        await host.WaitUntilAsync(
            async () => (await probeAfter.GetAsync("/health/ready", Token)).StatusCode == HttpStatusCode.OK, "readiness after the restart", RecoveryBudget);
        foreach (var (what, send) in Reads(scenario, coordinator))
        {
            await host.WaitUntilAsync(async () => (await send()).StatusCode == HttpStatusCode.OK, $"{what} after the restart", RecoveryBudget);
        }

        // The writes refused during the outage, sent again as a client following Retry-After would.
        HttpResponseMessage? stored = null;
        await host.WaitUntilAsync(
            async () => (stored = await scenario.PostAbsencesAsync(registrations)).StatusCode != HttpStatusCode.ServiceUnavailable,
            "the batch accepted after the restart", RecoveryBudget);
        stored!.StatusCode.ShouldBe(HttpStatusCode.Accepted, await stored.Content.ReadAsStringAsync(Token));
        var receipt = await CoordinationHost.ReadAsync<JsonElement>(stored);
        receipt.GetProperty("accepted").GetInt32().ShouldBe(20, "nothing of the refused batch was stored during the outage");

        HttpResponseMessage? reported = null;
        await host.WaitUntilAsync(
            async () => (reported = await scenario.Counsellor.PostAsJsonAsync("/api/v1/concerns", concern, Token)).StatusCode != HttpStatusCode.ServiceUnavailable,
            "the concern accepted after the restart", RecoveryBudget);
        reported!.StatusCode.ShouldBe(HttpStatusCode.Created, await reported.Content.ReadAsStringAsync(Token));

        // Sent once more, both are duplicates: each was stored exactly once.
        var replay = await scenario.PostAbsencesAsync(registrations);
        replay.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var replayed = await CoordinationHost.ReadAsync<JsonElement>(replay);
        replayed.GetProperty("accepted").GetInt32().ShouldBe(0);
        replayed.GetProperty("duplicates").GetInt32().ShouldBe(20);
        (await scenario.Counsellor.PostAsJsonAsync("/api/v1/concerns", concern, Token)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1", Pupil) == 1, "the child's case");
        (await host.ScalarAsync("select count(*) from coord_cases where child_key = $1", Pupil)).ShouldBe(1);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_concerns where child_key = $1", Pupil) == 1, "the concern");
        (await host.ScalarAsync("select count(*) from coord_concerns where child_key = $1", Pupil)).ShouldBe(1);
    }

    /// <summary>What is wrong with <paramref name="response"/> as the answer of an outage; null when it is right.</summary>
    private static string? Unavailable(HttpResponseMessage response, string body)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return $"{(int)response.StatusCode} instead of 503: {body}";
        }

        if (response.Headers.RetryAfter?.Delta is not { } delay || delay <= TimeSpan.Zero)
        {
            return "no Retry-After in seconds";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"content type {response.Content.Headers.ContentType?.MediaType}";
        }

        var problem = JsonDocument.Parse(body).RootElement;
        if (problem.GetProperty("status").GetInt32() != 503 || !problem.TryGetProperty("traceId", out _))
        {
            return $"problem without status 503 or traceId: {body}";
        }

        // No exception text: neither the server's address nor Npgsql's words. (The instance is the request's path, with
        // the child's pseudonymous key where the route has one, as on every problem.)
        return new[] { "127.0.0.1", "Npgsql", "connect", "refused", "57P01" }.FirstOrDefault(word => body.Contains(word, StringComparison.OrdinalIgnoreCase)) is { } leaked
            ? $"the body says '{leaked}': {body}"
            : null;
    }

    /// <summary>Reads of several kinds: a list from the read model, a child's record (audited), alerts and statistics.</summary>
    private static List<(string What, Func<Task<HttpResponseMessage>> Send)> Reads(Scenario scenario, HttpClient coordinator) =>
    [
        ("GET /api/v1/cases", () => scenario.Counsellor.GetAsync("/api/v1/cases", Token)),
        ($"GET /api/v1/children/{{key}}/overview", () => scenario.Counsellor.GetAsync($"/api/v1/children/{Pupil}/overview", Token)),
        ("GET /api/v1/alerts", () => scenario.Counsellor.GetAsync("/api/v1/alerts", Token)),
        ("GET /api/v1/statistics", () => coordinator.GetAsync("/api/v1/statistics", Token)),
    ];
}
