using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Domain.Common;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>Alerts over HTTP into the real host: the stream, list and acknowledgement, escalation with injected time.</summary>
public sealed class AlertEndToEndTests(PostgresServerFixture postgres)
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";

    [Fact]
    public async Task Stream_PushesTheAlertOfAnAbsenceCrossingAThreshold()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await using var stream = await SseClient.ConnectAsync(scenario.Counsellor);
        stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        stream.Response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await stream.NextAsync()).Event.ShouldBe("comment", "a quiet stream sends keep-alives");

        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var alert = await stream.NextOfAsync("alert");
        alert.Json.GetProperty("kind").GetString().ShouldBe("CaseOpened");
        alert.Json.GetProperty("childKey").GetString().ShouldBe(Pupil);
        alert.Json.GetProperty("caseId").GetString().ShouldNotBeNull();
        alert.Json.GetProperty("acknowledgedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        long.Parse(alert.Id!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(await host.ScalarAsync("select id from coord_alerts where alert_key = $1", alert.Json.GetProperty("alertKey").GetString()!));
    }

    [Fact]
    public async Task TeamAlert_GoesToTheTeamsMembersAsTheRosterHasThemNow()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        const string First = "c_firstchildkeyaaaaaaa", Second = "c_secondchildkeybbbbbb";
        await scenario.EnrolAsync(First);
        await scenario.EnrolAsync(Second);
        const string Opened = "select coalesce(string_agg(staff_id, ',' order by staff_id), '') from coord_alerts where child_key = $1 and kind = 'CaseOpened'";

        // Each member's inbox commits on its own: wait until every message the case sent has been processed.
        async Task<string[]> OpenedAfterAllDeliveredAsync(string child, string member)
        {
            await host.WaitUntilAsync(
                async () => (await host.TextAsync(Opened, child))!.Contains(member, StringComparison.Ordinal)
                    && await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0,
                $"the case's alerts delivered, {member}'s among them");
            return (await host.TextAsync(Opened, child))!.Split(',');
        }

        (await scenario.PostAbsencesAsync(scenario.Registrations(First, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await OpenedAfterAllDeliveredAsync(First, "karin")).ShouldContain("anna");

        // Karin leaves the team and Maria joins: the next case's team alert follows the roster (the team fan-out uses
        // this node's reference data, which the roster change invalidates).
        await scenario.SetHealthTeamMembersAsync(("anna", "Principal"), ("maria", "Manager"));
        (await scenario.PostAbsencesAsync(scenario.Registrations(Second, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var second = await OpenedAfterAllDeliveredAsync(Second, "maria");
        second.ShouldContain("anna");
        second.ShouldNotContain("karin");
        (await host.ScalarAsync("select count(*) from coord_alerts where child_key = $1 and staff_id = 'karin'", First)).ShouldBe(1);
    }

    [Fact]
    public async Task Reconnect_WithLastEventId_GetsTheMissedAlertsExactlyOnce()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        string lastId;
        await using (var first = await SseClient.ConnectAsync(scenario.Counsellor))
        {
            await host.DeliverAsync("karin", "a1");
            await host.DeliverAsync("karin", "a2");
            var received = new[] { await first.NextOfAsync("alert"), await first.NextOfAsync("alert") };
            received.Select(e => e.Json.GetProperty("alertKey").GetString()).ShouldBe(["a1", "a2"]);
            lastId = received[1].Id!;
        }

        // Missed while disconnected; someone else's alert must not show.
        await host.DeliverAsync("karin", "a3");
        await host.DeliverAsync("anna", "b1");
        await host.DeliverAsync("karin", "a4");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts") == 5, "all delivered");

        await using var second = await SseClient.ConnectAsync(scenario.Counsellor, lastEventId: lastId);
        await host.DeliverAsync("karin", "a5");
        var keys = new List<string>();
        while (keys.Count < 3)
        {
            keys.Add((await second.NextOfAsync("alert")).Json.GetProperty("alertKey").GetString()!);
        }

        (await second.UntilKeepAliveAsync()).ShouldBeEmpty("nothing is sent twice");
        keys.ShouldBe(["a3", "a4", "a5"]);

        // ?lastEventId= works like the header (for EventSource polyfills that cannot set it).
        await using var third = await SseClient.ConnectAsync(scenario.Counsellor, $"/api/v1/alerts/stream?lastEventId={lastId}");
        var replay = new[] { await third.NextOfAsync("alert"), await third.NextOfAsync("alert"), await third.NextOfAsync("alert") };
        replay.Select(e => e.Json.GetProperty("alertKey").GetString()).ShouldBe(["a3", "a4", "a5"]);
    }

    [Fact]
    public async Task Stream_WithoutLastEventId_StartsWithTheOpenAlerts_AndPushesAcknowledgements()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await host.DeliverAsync("karin", "open-1");
        await host.DeliverAsync("karin", "done-1");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts") == 2, "delivered");
        (await AcknowledgeAsync(scenario.Counsellor, "done-1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using var stream = await SseClient.ConnectAsync(scenario.Counsellor);
        (await stream.NextOfAsync("alert")).Json.GetProperty("alertKey").GetString().ShouldBe("open-1");

        // (The signal of the earlier acknowledgement may still arrive after connecting: acknowledgements are not alerts.)
        (await stream.UntilKeepAliveAsync()).Where(e => e.Event == "alert").ShouldBeEmpty();

        (await AcknowledgeAsync(scenario.Counsellor, "open-1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var acknowledged = await stream.NextOfAsync("acknowledged");
        acknowledged.Id.ShouldBeNull();
        acknowledged.Json.GetProperty("alertKey").GetString().ShouldBe("open-1");
    }

    [Fact]
    public async Task Stream_OnEitherNode_GetsTheAlertWhicheverNodeProcessedTheInbox()
    {
        await using var nodeA = await AlertsHost.StartAsync(postgres, Monday);
        await using var nodeB = AlertsHost.StartNode(nodeA);
        var scenario = new AlertScenario(nodeA);
        await scenario.SetUpAsync();
        var management = nodeA.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await nodeA.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both silos are in the cluster");

        // Six people, each watching from both nodes; their inboxes are placed on either silo, and every stream gets
        // every alert of its person wherever the inbox runs.
        string[] people = ["anna", "karin", "sofia", "ahmed", "olle", "erik"];
        var streams = new List<(string Staff, SseClient Stream)>();
        foreach (var staff in people)
        {
            foreach (var node in new[] { nodeA, nodeB })
            {
                var token = nodeA.Tokens.Person(staff, AlertScenario.SchoolOrganisation, AlertScenario.Municipality, "School", "Counsellor");
                streams.Add((staff, await SseClient.ConnectAsync(node.ClientWithToken(token))));
            }
        }

        try
        {
            foreach (var staff in people)
            {
                await nodeB.DeliverAsync(staff, $"x/{staff}");
            }

            foreach (var (staff, stream) in streams)
            {
                var alert = await stream.NextOfAsync("alert", TimeSpan.FromSeconds(60));
                alert.Json.GetProperty("alertKey").GetString().ShouldBe($"x/{staff}");
                (await stream.UntilKeepAliveAsync()).ShouldBeEmpty();
            }
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ListAndAcknowledge_AreTheCallersOwn_AndAcknowledgingIsIdempotent()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await host.DeliverAsync("karin", "case/k1/x/karin");
        await host.DeliverAsync("karin", "case/k2/y/karin");
        await host.DeliverAsync("sofia", "case/k1/x/sofia");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts") == 3, "delivered");

        var page = await ListAsync(scenario.Counsellor, "?unacknowledged=true");
        page.GetProperty("total").GetInt64().ShouldBe(2);
        page.GetProperty("items")[0].GetProperty("alertKey").GetString().ShouldBe("case/k2/y/karin", "newest first");

        var first = await AcknowledgeAsync(scenario.Counsellor, "case/k1/x/karin");
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var at = (await AlertsHost.ReadAsync<JsonElement>(first)).GetProperty("acknowledgedAt").GetDateTimeOffset();
        at.ShouldBe(Monday);
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await AcknowledgeAsync(scenario.Counsellor, "case/k1/x/karin");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AlertsHost.ReadAsync<JsonElement>(again)).GetProperty("acknowledgedAt").GetDateTimeOffset().ShouldBe(at);

        // By stream id too.
        var id = await host.ScalarAsync("select id from coord_alerts where alert_key = 'case/k2/y/karin'");
        (await AcknowledgeAsync(scenario.Counsellor, id.ToString(System.Globalization.CultureInfo.InvariantCulture))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ListAsync(scenario.Counsellor, "?unacknowledged=true")).GetProperty("total").GetInt64().ShouldBe(0);
        (await ListAsync(scenario.Counsellor)).GetProperty("total").GetInt64().ShouldBe(2);

        // Someone else's alert is not there for the caller, and stays unacknowledged.
        (await AcknowledgeAsync(scenario.Counsellor, "case/k1/x/sofia")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await AcknowledgeAsync(scenario.Counsellor, "no-such-alert")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key = 'case/k1/x/sofia' and acknowledged_at is null")).ShouldBe(1);
        (await ListAsync(scenario.SocialWorker)).GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task UnacknowledgedPastTheDeadline_EscalatesToTheManagerAndTheSecondContactPerson()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await host.DeliverAsync("karin", "k-late", caseId: "case-1");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_timers where name = 'escalate:k-late'") == 1, "the deadline timer");

        // One working day: Tuesday 08:00. A minute before, nothing happens.
        host.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'k-late/escalated/%'")).ShouldBe(0);

        await using var managerStream = await SseClient.ConnectAsync(scenario.Manager);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        var escalation = await managerStream.NextOfAsync("alert");
        escalation.Json.GetProperty("alertKey").GetString().ShouldBe("k-late/escalated/maria");
        escalation.Json.GetProperty("kind").GetString().ShouldBe("CaseAcknowledgementOverdue");
        escalation.Json.GetProperty("caseId").GetString().ShouldBe("case-1");
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where alert_key = 'k-late/escalated/ahmed' and staff_id = 'ahmed'") == 1,
            "the second contact person's alert");
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'k-late/escalated/%'")).ShouldBe(2);

        // Acknowledging after the escalation still works, and escalates nothing more.
        (await AcknowledgeAsync(scenario.Counsellor, "k-late")).StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Time.Advance(TimeSpan.FromDays(3));
        await Task.Delay(700, TestContext.Current.CancellationToken);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'k-late/escalated/%'")).ShouldBe(2);
        (await host.ScalarAsync("select count(*) from actor_grain_timers where name like 'escalate:%'")).ShouldBe(0, "escalations do not escalate");
    }

    [Fact]
    public async Task CaseAlert_LeftUnacknowledged_EscalatesToTheManagerAndTheSchoolsSecondContactPerson()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'karin'") >= 1, "the counsellor's alert");
        var karins = await ListAsync(scenario.Counsellor);
        var key = karins.GetProperty("items")[0].GetProperty("alertKey").GetString()!;

        host.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where alert_key = any($1)", (object)new[] { $"{key}/escalated/maria", $"{key}/escalated/ahmed" }) == 2,
            "the escalations of the counsellor's alert");
        var managers = await ListAsync(scenario.Manager, "?unacknowledged=true");
        managers.GetProperty("items").EnumerateArray().ShouldContain(a => a.GetProperty("alertKey").GetString() == $"{key}/escalated/maria"
            && a.GetProperty("caseId").GetString() == karins.GetProperty("items")[0].GetProperty("caseId").GetString());
    }

    [Fact]
    public async Task Stream_IsWokenByTheSignal_NotByItsKeepAlive()
    {
        // A keep-alive far longer than the budget: an alert that arrives within it was pushed by the signal.
        await using var host = await AlertsHost.StartAsync(postgres, Monday, overrides: new Dictionary<string, string>
        {
            ["Samverkan:Alerts:KeepAliveInterval"] = "00:10:00",
        });
        var scenario = new AlertScenario(host);
        await using var stream = await SseClient.ConnectAsync(scenario.Counsellor);
        await host.DeliverAsync("karin", "warm-up");
        (await stream.NextOfAsync("alert", TimeSpan.FromSeconds(60))).Json.GetProperty("alertKey").GetString().ShouldBe("warm-up");

        var latencies = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await host.DeliverAsync("karin", $"l-{i}");
            (await stream.NextOfAsync("alert", TimeSpan.FromSeconds(60))).Json.GetProperty("alertKey").GetString().ShouldBe($"l-{i}");
            latencies.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Measured, not asserted (scripts/bench.sh measures the latency under load).
        latencies.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"send → stream, no background load: p50 {latencies[latencies.Count / 2]:F1} ms, max {latencies[^1]:F1} ms");
    }

    [Fact]
    public async Task Alerts_AreForAuthenticatedStaffOnly()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        var anonymous = host.CreateClient();
        (await anonymous.GetAsync("/api/v1/alerts/stream", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/v1/alerts", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await scenario.Feed.GetAsync("/api/v1/alerts/stream", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using var bad = await SseClient.ConnectAsync(scenario.Counsellor, lastEventId: "not-a-number");
        bad.Response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        // Described in the OpenAPI document, the stream as text/event-stream.
        var document = await scenario.Counsellor.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        document.ShouldContain("/api/v1/alerts/stream");
        document.ShouldContain("text/event-stream");
        document.ShouldContain("/api/v1/alerts/{alert}/acknowledge");
    }

    [Fact]
    public async Task AcknowledgedJustBeforeTheDeadline_DoesNotEscalate()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await host.DeliverAsync("karin", "k-urgent", caseId: "case-2", severity: Severity.Urgent);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_timers where name = 'escalate:k-urgent'") == 1, "the deadline timer");

        // Urgent: four hours.
        host.Time.Advance(TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        (await AcknowledgeAsync(scenario.Counsellor, "k-urgent")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.ScalarAsync("select count(*) from actor_grain_timers where name = 'escalate:k-urgent'")).ShouldBe(0);

        host.Time.Advance(TimeSpan.FromDays(2));
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'k-urgent/escalated/%'")).ShouldBe(0);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "every message delivered");
    }


    private static Task<HttpResponseMessage> AcknowledgeAsync(HttpClient client, string key) =>
        client.PostAsync($"/api/v1/alerts/{Uri.EscapeDataString(key)}/acknowledge", null, TestContext.Current.CancellationToken);

    private static async Task<JsonElement> ListAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync($"/api/v1/alerts{query}", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await AlertsHost.ReadAsync<JsonElement>(response);
    }
}
