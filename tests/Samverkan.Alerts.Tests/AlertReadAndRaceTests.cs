using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>Reading one alert, the alerts of a case as its participants see them, and acknowledgements racing the deadline.</summary>
public sealed class AlertReadAndRaceTests(PostgresServerFixture postgres)
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";

    [Fact]
    public async Task GetAlert_ByKeyOrId_IsTheCallersOwnAndAudited()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await host.DeliverAsync("karin", "case/k1/x/karin");
        await host.DeliverAsync("sofia", "case/k1/x/sofia");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts") == 2, "delivered");

        var byKey = await scenario.Counsellor.GetAsync($"/api/v1/alerts/{Uri.EscapeDataString("case/k1/x/karin")}", TestContext.Current.CancellationToken);
        byKey.StatusCode.ShouldBe(HttpStatusCode.OK);
        var alert = await AlertsHost.ReadAsync<JsonElement>(byKey);
        alert.GetProperty("alertKey").GetString().ShouldBe("case/k1/x/karin");
        alert.GetProperty("childKey").GetString().ShouldBe(Pupil);
        var id = alert.GetProperty("id").GetInt64();
        var byId = await scenario.Counsellor.GetAsync($"/api/v1/alerts/{id}", TestContext.Current.CancellationToken);
        (await AlertsHost.ReadAsync<JsonElement>(byId)).GetProperty("alertKey").GetString().ShouldBe("case/k1/x/karin");
        (await host.ScalarAsync("select count(*) from audit_log where staff_id = 'karin' and child_key = $1 and action = 'read'", Pupil)).ShouldBe(2);

        // Someone else's alert, and one that does not exist, are both simply not there.
        (await scenario.Counsellor.GetAsync($"/api/v1/alerts/{Uri.EscapeDataString("case/k1/x/sofia")}", TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scenario.Counsellor.GetAsync("/api/v1/alerts/999999", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.CreateClient().GetAsync($"/api/v1/alerts/{id}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CaseAlerts_ShowEveryParticipantWhoAcknowledgedAndWhen()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id in ('karin', 'anna') and case_id is not null") >= 2,
            "the team's alerts of the case");
        var caseId = (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("items")[0].GetProperty("caseId").GetString()!;

        host.Time.Advance(TimeSpan.FromMinutes(30));
        var karinsKey = await KeyOfAsync(host, "karin", caseId);
        (await scenario.Counsellor.PostAsync($"/api/v1/alerts/{Uri.EscapeDataString(karinsKey)}/acknowledge", null, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        // Anna, another participant, sees that Karin acknowledged, and when; her own alert is still open.
        var response = await scenario.Principal.GetAsync($"/api/v1/cases/{caseId}/alerts", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var items = (await AlertsHost.ReadAsync<JsonElement>(response)).GetProperty("items").EnumerateArray().ToList();
        var karinsId = await host.ScalarAsync("select id from coord_alerts where alert_key = $1", karinsKey);
        var karins = items.Single(i => i.GetProperty("id").GetInt64() == karinsId);
        karins.GetProperty("recipient").GetString().ShouldBe("karin");
        karins.GetProperty("acknowledgedAt").GetDateTimeOffset().ShouldBe(Monday.AddMinutes(30));
        karins.GetProperty("escalation").GetBoolean().ShouldBeFalse();
        var annas = items.Where(i => i.GetProperty("recipient").GetString() == "anna").ToList();
        annas.ShouldNotBeEmpty();
        annas.ShouldAllBe(i => i.GetProperty("acknowledgedAt").ValueKind == JsonValueKind.Null);
        (await host.ScalarAsync("select count(*) from audit_log where staff_id = 'anna' and purpose = 'case alerts' and action = 'read'")).ShouldBe(1);

        // Not visible to someone of another municipality, nor for a case that does not exist.
        (await scenario.OtherMunicipality.GetAsync($"/api/v1/cases/{caseId}/alerts", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scenario.Principal.GetAsync("/api/v1/cases/no-such-case/alerts", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CaseAlertEscalation_IsOnTheCaseTimeline_ForEveryParticipant()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'karin' and case_id is not null") >= 1, "the counsellor's alert");
        var caseId = (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("items")[0].GetProperty("caseId").GetString()!;
        var karinsKey = await KeyOfAsync(host, "karin", caseId);

        host.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where alert_key = $1", karinsKey + "/escalated/maria") == 1, "the escalation");

        // Anna, another participant, sees on the timeline that Karin's alert went to Maria and Ahmed.
        var expected = "An alert to karin was not acknowledged in time; escalated to ";
        List<string> texts = [];
        await host.WaitUntilAsync(async () =>
        {
            var response = await scenario.Principal.GetAsync($"/api/v1/cases/{caseId}", TestContext.Current.CancellationToken);
            var timeline = (await AlertsHost.ReadAsync<JsonElement>(response)).GetProperty("timeline").EnumerateArray().ToList();
            texts = [.. timeline.Where(t => t.GetProperty("kind").GetString() == "AcknowledgementOverdue").Select(t => t.GetProperty("text").GetString()!)];
            return texts.Any(t => t.StartsWith(expected, StringComparison.Ordinal));
        }, "the timeline entry");
        var entry = texts.Single(t => t.StartsWith(expected, StringComparison.Ordinal));
        entry.ShouldContain("maria");
        entry.ShouldContain("ahmed");
        entry.ShouldNotContain(Pupil);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "every message delivered");
    }

    [Fact]
    public void RecordEscalation_AddsOneTimelineEntry_AndNothingOnAClosedCase()
    {
        var state = new CaseState
        {
            Id = new CaseId("case-1"),
            Child = new PseudonymousKey(Pupil),
            Kind = CaseKind.AbsenceFollowUp,
            Severity = Severity.Normal,
            Status = CaseStatus.Open,
            OpenedAt = Monday,
            AcknowledgementDueAt = Monday.AddDays(1),
        };
        var decision = CaseAlertTimeline.RecordEscalation(state, new StaffId("karin"), [new StaffId("maria")], Monday.AddDays(1));
        var entry = decision.NewState!.Timeline.ShouldHaveSingleItem();
        entry.Kind.ShouldBe(TimelineEntryKind.AcknowledgementOverdue);
        entry.By.ShouldBe(new StaffId("karin"));
        entry.Text.ShouldBe("An alert to karin was not acknowledged in time; escalated to maria.");
        CaseAlertTimeline.RecordEscalation(state with { Status = CaseStatus.Closed }, new StaffId("karin"), [], Monday).IsUnchanged.ShouldBeTrue();
    }

    [Fact]
    public async Task AcknowledgementAndDeadline_InOneTransaction_WhicheverIsFirstWins()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var karin = CoordinationActors.InboxOf(new StaffId("karin"));
        await host.DeliverAsync("karin", "deadline-first", caseId: "case-1");
        await host.DeliverAsync("karin", "ack-first", caseId: "case-1");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_timers where name like 'escalate:%'") == 2, "the deadline timers");

        // The deadline's message and the acknowledgement stored together: one batch of the inbox handles both, in order.
        var client = host.Services.GetRequiredService<IActorClient>();
        await client.SendBatchAsync(
        [
            new ActorMessage(karin, new EscalateAlert("deadline-first", AlertsHost.Alert("karin", "case-1", Monday))),
            new ActorMessage(karin, new AcknowledgeAlert("deadline-first")),
            new ActorMessage(karin, new AcknowledgeAlert("ack-first")),
            new ActorMessage(karin, new EscalateAlert("ack-first", AlertsHost.Alert("karin", "case-1", Monday))),
        ], TestContext.Current.CancellationToken);

        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'karin' and acknowledged_at is not null") == 2, "both acknowledged");
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'deadline-first/escalated/%'") == 2, "the escalations");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'ack-first/escalated/%'")).ShouldBe(0, "acknowledged before its deadline");
        (await host.ScalarAsync("select count(*) from actor_grain_timers where name like 'escalate:%'")).ShouldBe(0);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "every message delivered");
    }

    [Fact]
    public async Task AcknowledgementsRacingTheDeadlineTimers_EachAlertEscalatesOnceOrNever()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var keys = Enumerable.Range(1, 12).Select(i => $"race-{i}").ToArray();
        foreach (var key in keys)
        {
            await host.DeliverAsync("karin", key, caseId: "case-1", severity: Severity.Urgent);
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_timers where name like 'escalate:race-%'") == keys.Length, "the deadline timers");

        // The deadlines pass while the acknowledgements arrive, concurrently.
        host.Time.Advance(AlertEscalation.UrgentDeadline);
        var acknowledgements = keys.Select(key => scenario.Counsellor.PostAsync(
            $"/api/v1/alerts/{Uri.EscapeDataString(key)}/acknowledge", null, TestContext.Current.CancellationToken)).ToArray();
        foreach (var response in await Task.WhenAll(acknowledgements))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, "an acknowledgement succeeds whether or not the deadline won");
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_timers where name like 'escalate:race-%'") == 0, "every timer fired or cancelled");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        foreach (var key in keys)
        {
            var escalations = await host.ScalarAsync("select count(*) from coord_alerts where alert_key like $1", key + "/escalated/%");
            escalations.ShouldBeOneOf([0L, 2L], $"{key}: either the deadline won (manager and second contact person) or the acknowledgement did");
        }

        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'race-%/escalated/%' and staff_id not in ('maria', 'ahmed')")).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from coord_alerts where alert_key like 'race-%' and alert_key not like '%/escalated/%' and acknowledged_at is null")).ShouldBe(0);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "every message delivered");
    }

    private static async Task<string> KeyOfAsync(AlertsHost host, string staff, string caseId)
    {
        await using var command = host.Database.CreateCommand("select alert_key from coord_alerts where staff_id = $1 and case_id = $2 order by id limit 1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = staff });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = caseId });
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }


}
