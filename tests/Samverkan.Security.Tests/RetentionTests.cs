using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Cases;
using Samverkan.Domain.Cases;
using Samverkan.Host.Retention;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The culling job with the manual clock: what is due is deleted from every table (case work and webhook deliveries of a
/// case's alerts, reporter feedback of a concern included), what is not stays, and the log counts.
/// </summary>
public sealed class RetentionTests(PostgresServerFixture postgres)
{
    private const string SecondChild = "c_secondlivechildaaaa";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Samverkan:Retention:Enabled"] = "false", // the tests run the job themselves
        ["Samverkan:Retention:ClosedCasesDays"] = "30",
        ["Samverkan:Retention:ConcernsWithoutInvestigationMonths"] = "2",
    };

    [Fact]
    public async Task ClosedCaseOlderThanThePeriod_IsGoneFromEveryTable_ANewerOneStays_AndTheLogCounts()
    {
        await using var host = await LiveHost.StartAsync(postgres, Settings);
        using var receiver = WebhookReceiver.Start();
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        // The school's webhook: the alerts of its cases have deliveries (coord_webhook_deliveries) that go with the case.
        await ProtectedIdentityLeakTests.RegisterWebhookAsync(host, LiveWorld.OtherSchoolOrg, receiver.Url);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        await world.EnrolAsync(SecondChild, LiveWorld.OtherSchool, namedPerson: null);
        var old = await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        var recent = await world.OpenAbsenceCaseAsync(SecondChild, LiveWorld.OtherSchool);
        using var nurse = host.As(LiveWorld.OtherSchoolNurse);

        await CloseAsync(nurse, old);
        await SettleAsync(host);
        host.Time.Advance(TimeSpan.FromDays(20));
        await SettleAsync(host);
        await CloseAsync(nurse, recent);
        host.Time.Advance(TimeSpan.FromDays(15));
        await SettleAsync(host);
        var oldAlerts = await AlertIdsAsync(host, old);
        (await CountsAsync(host, old, oldAlerts)).ShouldAllBe(c => c > 0, "before the run the old case is everywhere");
        var auditBefore = await host.ScalarAsync("select count(*) from audit_log");

        var report = await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token);

        report.ShouldBe(new RetentionReport(true, ClosedCases: 1, Concerns: 0));
        (await CountsAsync(host, old, oldAlerts)).ShouldAllBe(c => c == 0, "state, case row, case work, alerts, their webhook deliveries: all deleted");
        (await host.ScalarAsync("select count(*) from actor_grain_timers where actor_type = 'case' and actor_key = $1", old)).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from actor_grain_state where actor_type = 'case' and actor_key = $1", recent)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_cases where case_id = $1", recent)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_alerts where case_id = $1", recent)).ShouldBeGreaterThan(0);
        (await host.ScalarAsync("select count(*) from coord_case_work where case_id = $1", recent)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_webhook_deliveries where alert_id = any ($1)", await AlertIdsAsync(host, recent))).ShouldBeGreaterThan(0);
        (await host.ScalarAsync("select count(*) from audit_log")).ShouldBe(auditBefore, "the audit log is the legal record: never culled");

        string[] lines;
        lock (host.Logs)
        {
            lines = [.. host.Logs.Where(l => l.Contains("Retention", StringComparison.Ordinal))];
        }

        lines.ShouldContain(l => l.EndsWith("Retention culled 1 closed cases (kept for 30 days)", StringComparison.Ordinal));
        lines.ShouldAllBe(l => !l.Contains(LiveWorld.OrdinaryChild, StringComparison.Ordinal) && !l.Contains(old, StringComparison.Ordinal));

        // The activation in memory was reset with the delete: asking the actor finds nothing and writes nothing back.
        var actors = host.Services.GetRequiredService<IActorClient>();
        (await actors.AskAsync<CaseState>(CoordinationActors.CaseOf(new CaseId(old)), new GetCase(), cancellationToken: Http.Token)).ShouldBeNull();
        (await nurse.GetAsync($"/api/v1/cases/{old}", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await SettleAsync(host);
        (await CountsAsync(host, old, oldAlerts)).ShouldAllBe(c => c == 0);

        var again = await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token);
        again.ClosedCases.ShouldBe(0);
    }

    [Fact]
    public async Task ConcernWithoutInvestigation_IsCulledMonthsAfterItsWatchEnded_WithItsReporterAndWatch_ANewerOneStays()
    {
        await using var host = await LiveHost.StartAsync(postgres, Settings);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        await world.EnrolAsync(SecondChild, LiveWorld.OtherSchool, namedPerson: null);
        using var social = host.As(LiveWorld.SocialWorker);
        var old = await world.ReportConcernAsync(LiveWorld.OtherSchoolNurse, LiveWorld.OrdinaryChild);
        await NotOpenedAsync(social, LiveWorld.OrdinaryChild, old);
        await using (var command = host.Database.CreateCommand("select watch_until from coord_children where child_key = $1"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = LiveWorld.OrdinaryChild });
            var watchEnds = (DateTime)(await command.ExecuteScalarAsync(Http.Token))!;
            host.Time.SetUtcNow(new DateTimeOffset(watchEnds, TimeSpan.Zero).AddMonths(2).AddDays(1));
        }

        await SettleAsync(host);
        var recent = await world.ReportConcernAsync(LiveWorld.OtherSchoolNurse, SecondChild);
        await NotOpenedAsync(social, SecondChild, recent);
        await SettleAsync(host);
        (await host.ScalarAsync("select count(*) from coord_concern_feedback where concern_id = $1", old)).ShouldBe(1, "the school's report owes it feedback");

        var report = await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token);

        report.Concerns.ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_concerns where concern_id = $1", old)).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from coord_concern_feedback where concern_id = $1", old)).ShouldBe(0, "the feedback owed (child, reporting organisation) goes with the concern");
        (await host.ScalarAsync("select count(*) from coord_concern_feedback where concern_id = $1", recent)).ShouldBe(1);
        (await host.ScalarAsync(
            "select jsonb_array_length(state -> 'concerns') + jsonb_array_length(state -> 'concernReporters') + (case when state -> 'watch' is null or state -> 'watch' = 'null' then 0 else 1 end) from actor_grain_state where actor_type = 'child' and actor_key = $1",
            LiveWorld.OrdinaryChild)).ShouldBe(0, "the concern, its reporter and its watch are gone from the child's state");
        (await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and watch_until is null", LiveWorld.OrdinaryChild)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_concerns where concern_id = $1", recent)).ShouldBe(1);
        lock (host.Logs)
        {
            host.Logs.ShouldContain(l => l.EndsWith("Retention culled 1 concerns without investigation (kept for 2 months after the watch ended)", StringComparison.Ordinal));
        }

        // Without the concern, the social-services contact has no relation to the child any more.
        (await social.GetAsync($"/api/v1/children/{LiveWorld.OrdinaryChild}/overview", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token)).Concerns.ShouldBe(0);
    }

    [Fact]
    public async Task WhileAnotherNodeCulls_TheJobSkips()
    {
        await using var host = await LiveHost.StartAsync(postgres, Settings);
        await using var other = await host.Database.OpenConnectionAsync(Http.Token);
        await using (var command = new NpgsqlCommand("select pg_advisory_lock($1)", other))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = RetentionJob.LockKey });
            await command.ExecuteScalarAsync(Http.Token);
        }

        (await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token)).Ran.ShouldBeFalse();

        await using (var command = new NpgsqlCommand("select pg_advisory_unlock($1)", other))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = RetentionJob.LockKey });
            await command.ExecuteScalarAsync(Http.Token);
        }

        (await host.Services.GetRequiredService<RetentionJob>().RunOnceAsync(Http.Token)).Ran.ShouldBeTrue();
    }

    private static async Task NotOpenedAsync(HttpClient social, string child, string concern)
    {
        var response = await social.PostAsJsonAsync($"/api/v1/children/{child}/concerns/{concern}/outcome", new { decision = "NotOpened" }, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
    }

    private static async Task CloseAsync(HttpClient client, string caseId)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/cases/{caseId}/transition", new { to = "Closed", reason = "Resolved" }, Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
    }

    private static Task SettleAsync(LiveHost host) =>
        LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");

    /// <summary>
    /// The case's rows: actor state, case row, case-work row, alerts, the webhook deliveries of those alerts
    /// (its timers are checked apart: none is left once closed).
    /// </summary>
    private static async Task<long[]> CountsAsync(LiveHost host, string caseId, long[] alertIds) =>
    [
        await host.ScalarAsync("select count(*) from actor_grain_state where actor_type = 'case' and actor_key = $1", caseId),
        await host.ScalarAsync("select count(*) from coord_cases where case_id = $1", caseId),
        await host.ScalarAsync("select count(*) from coord_case_work where case_id = $1", caseId),
        await host.ScalarAsync("select count(*) from coord_alerts where case_id = $1", caseId),
        await host.ScalarAsync("select count(*) from coord_webhook_deliveries where alert_id = any ($1)", alertIds),
    ];

    private static async Task<long[]> AlertIdsAsync(LiveHost host, string caseId)
    {
        await using var command = host.Database.CreateCommand("select id from coord_alerts where case_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(Http.Token);
        while (await reader.ReadAsync(Http.Token))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }
}
