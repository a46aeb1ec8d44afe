using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Webhooks;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>Webhooks against a local receiver: outbox with the alert, signed, retried with backoff on the manual clock, given up, registration rules.</summary>
public sealed class WebhookTests(PostgresServerFixture postgres)
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";
    private const string ProtectedPupil = "c_zyxwvutsrqponmlkjihg";
    private const string Secret = "s3cret-of-the-school-system-0123456789-abcdef";

    [Fact]
    public async Task Delivery_ToAReceiverFailingAtFirst_IsRetriedWithBackoff_SignedAndHandledOnce()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await using var school = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var social = await WebhookReceiver.StartAsync(failFirst: 0);
        (await RegisterAsync(host, AlertScenario.SchoolOrganisation, "elevhalsa", school.Url, Secret)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RegisterAsync(host, AlertScenario.SocialOrganisation, "soc", social.Url, Secret + "-soc")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await DeliverAsync(host, "karin", "case/case-1/a/karin", "case-1", Pupil);

        // First attempt at once (the inbox's signal wakes the worker); it fails; the next waits 5-10 s (10 s, with jitter).
        await host.WaitUntilAsync(() => Task.FromResult(school.Requests.Count == 1), "the first attempt");
        await WaitUntilAttemptFailedAsync(host, 1);
        var wait = await SecondsUntilNextAttemptAsync(host);
        wait.ShouldBeInRange(5, 10);
        await Task.Delay(700, TestContext.Current.CancellationToken);
        school.Requests.Count.ShouldBe(1, "nothing is retried before the backoff passed");

        host.Time.Advance(TimeSpan.FromSeconds(10));
        await host.WaitUntilAsync(() => Task.FromResult(school.Requests.Count == 2), "the second attempt");
        await WaitUntilAttemptFailedAsync(host, 2);
        (await SecondsUntilNextAttemptAsync(host)).ShouldBeInRange(10, 20, "the delay doubles");

        host.Time.Advance(TimeSpan.FromSeconds(20));
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_webhook_deliveries where status = 'delivered'") == 1, "delivered");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        school.Requests.Count.ShouldBe(3);
        school.Handled.Count.ShouldBe(1, "the receiver handles the delivery once");
        social.Requests.ShouldBeEmpty("another organisation's system gets nothing of this alert");

        // The same delivery id and body on every attempt; each attempt signed over its own timestamp.
        var deliveryId = (await host.TextAsync("select delivery_id::text from coord_webhook_deliveries"))!;
        foreach (var request in school.Requests)
        {
            request.DeliveryId.ShouldBe(deliveryId);
            request.ContentType.ShouldBe("application/json; charset=utf-8");
            request.Signature.ShouldStartWith("sha256=");
            WebhookSignature.Verify(Secret, request.Timestamp, request.Body, request.Signature).ShouldBeTrue();
            WebhookSignature.Verify(Secret + "x", request.Timestamp, request.Body, request.Signature).ShouldBeFalse();
            request.Body.ShouldBe(school.Requests.First().Body);
        }

        // A receiver's own check, as docs/alerts.md describes it.
        var first = school.Requests.First();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(first.Timestamp + "." + Encoding.UTF8.GetString(first.Body))));
        first.Signature.ShouldBe(expected);

        var body = JsonDocument.Parse(first.Body).RootElement;
        body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ShouldBe(
            ["alertId", "caseId", "childKey", "deliveredAt", "deliveryId", "escalation", "expectedAction", "kind", "raisedAt", "severity", "type"]);
        body.GetProperty("deliveryId").GetString().ShouldBe(deliveryId);
        body.GetProperty("alertId").GetInt64().ShouldBe(await host.ScalarAsync("select id from coord_alerts where alert_key = 'case/case-1/a/karin'"));
        body.GetProperty("kind").GetString().ShouldBe("CaseOpened");
        body.GetProperty("caseId").GetString().ShouldBe("case-1");
        body.GetProperty("childKey").GetString().ShouldBe(Pupil);
        body.GetProperty("expectedAction").GetProperty("en").GetString().ShouldBe("Acknowledge the case.");

        var deliveries = await host.ClientWithToken(Admin(host, AlertScenario.SchoolOrganisation))
            .GetFromJsonAsync<JsonElement>("/api/v1/organisations/org-1280-skola/webhooks/elevhalsa/deliveries", AlertsHost.Json, TestContext.Current.CancellationToken);
        deliveries[0].GetProperty("status").GetString().ShouldBe("delivered");
        deliveries[0].GetProperty("attempts").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Delivery_ThatKeepsFailing_IsMarkedFailedAfterTheLimit_AndAProtectedChildsKeyIsNeverSent()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        await scenario.SetUpAsync();
        var enrol = await scenario.Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key = ProtectedPupil },
            homeMunicipality = AlertScenario.Municipality,
            enrolments = new[] { new { school = AlertScenario.School, from = "2025-08-18" } },
            protectedIdentity = true,
        }, TestContext.Current.CancellationToken);
        enrol.StatusCode.ShouldBe(HttpStatusCode.OK, await enrol.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and protected_identity", ProtectedPupil) == 1, "the child");
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        (await RegisterAsync(host, AlertScenario.SchoolOrganisation, "elevhalsa", receiver.Url, Secret)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await DeliverAsync(host, "karin", "case/case-9/a/karin", "case-9", ProtectedPupil);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await host.WaitUntilAsync(() => Task.FromResult(receiver.Requests.Count == attempt), $"attempt {attempt}");
            await WaitUntilAttemptFailedAsync(host, attempt);
            host.Time.Advance(TimeSpan.FromMinutes(1)); // ≥ the longest backoff configured
        }

        var admin = host.ClientWithToken(Admin(host, AlertScenario.SchoolOrganisation));
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_webhook_deliveries where status = 'failed'") == 1, "given up");
        var failed = await admin.GetFromJsonAsync<JsonElement>(
            "/api/v1/organisations/org-1280-skola/webhooks/elevhalsa/deliveries?status=failed", AlertsHost.Json, TestContext.Current.CancellationToken);
        failed.GetArrayLength().ShouldBe(1);
        failed[0].GetProperty("attempts").GetInt32().ShouldBe(4);
        failed[0].GetProperty("lastStatus").GetInt32().ShouldBe(500);
        failed[0].GetProperty("lastError").GetString().ShouldBe("HTTP 500");
        host.Time.Advance(TimeSpan.FromHours(2));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        receiver.Requests.Count.ShouldBe(4, "no attempt after the limit");

        // The child has a protected identity: the organisation's system gets the alert id, never the child's key nor the
        // case id (a real case id is made from the child's key).
        var body = JsonDocument.Parse(receiver.Requests.First().Body).RootElement;
        body.GetProperty("childKey").ValueKind.ShouldBe(JsonValueKind.Null);
        body.GetProperty("caseId").ValueKind.ShouldBe(JsonValueKind.Null);
        body.GetProperty("alertId").GetInt64().ShouldBeGreaterThan(0);
        Encoding.UTF8.GetString(receiver.Requests.First().Body).ShouldNotContain(ProtectedPupil);
        (await admin.GetAsync("/api/v1/organisations/org-1280-skola/webhooks/elevhalsa/deliveries?status=lost", TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Registration_IsForTheOrganisationsAdministrators_Validated_AndNeverShowsTheSecret()
    {
        await using var host = await AlertsHost.StartAsync(postgres, Monday);
        var scenario = new AlertScenario(host);
        var admin = host.ClientWithToken(Admin(host, AlertScenario.SchoolOrganisation));
        const string path = "/api/v1/organisations/org-1280-skola/webhooks/elevhalsa";

        (await admin.PutAsJsonAsync(path, new { url = "https://hooks.example.se/samverkan" }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, "a new webhook needs a secret");
        (await admin.PutAsJsonAsync(path, new { url = "http://hooks.example.se/samverkan", secret = Secret }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, "http only to loopback");
        (await admin.PutAsJsonAsync(path, new { url = "https://user:pw@hooks.example.se/", secret = Secret }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await admin.PutAsJsonAsync(path, new { url = "not a url", secret = Secret }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await admin.PutAsJsonAsync(path, new { url = "https://hooks.example.se/", secret = "short" }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await admin.PutAsJsonAsync("/api/v1/organisations/org-1280-skola/webhooks/bad%20id", new { url = "https://hooks.example.se/", secret = Secret }, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        var created = await admin.PutAsJsonAsync(path, new { url = "https://hooks.example.se/samverkan", secret = Secret }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        text.ShouldNotContain(Secret);
        text.ShouldNotContain("secret", Case.Insensitive);
        (await host.TextAsync("select secret from coord_webhooks"))!.ShouldNotContain(Secret, Case.Sensitive, "stored protected");

        // An update without a secret keeps it; the list never shows it.
        (await admin.PutAsJsonAsync(path, new { url = "https://hooks.example.se/v2", enabled = false }, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var list = await admin.GetStringAsync("/api/v1/organisations/org-1280-skola/webhooks", TestContext.Current.CancellationToken);
        list.ShouldContain("https://hooks.example.se/v2");
        list.ShouldNotContain(Secret);
        JsonDocument.Parse(list).RootElement[0].GetProperty("enabled").GetBoolean().ShouldBeFalse();

        // Another organisation's webhooks do not exist for the caller; staff without the role may not manage them; feeds neither.
        (await host.ClientWithToken(Admin(host, AlertScenario.SocialOrganisation)).GetAsync("/api/v1/organisations/org-1280-skola/webhooks", TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scenario.Counsellor.GetAsync("/api/v1/organisations/org-1280-skola/webhooks", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await scenario.Feed.GetAsync("/api/v1/organisations/org-1280-skola/webhooks", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await host.CreateClient().GetAsync("/api/v1/organisations/org-1280-skola/webhooks", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await admin.DeleteAsync(path, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync(path, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.GetAsync(path + "/deliveries", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public void Backoff_DoublesWithJitter_UpToTheMaximum()
    {
        var initial = TimeSpan.FromSeconds(10);
        var max = TimeSpan.FromMinutes(1);
        WebhookDeliveryWorker.Backoff(1, initial, max, 0).ShouldBe(TimeSpan.FromSeconds(5));
        WebhookDeliveryWorker.Backoff(1, initial, max, 1).ShouldBe(TimeSpan.FromSeconds(10));
        WebhookDeliveryWorker.Backoff(2, initial, max, 0.5).ShouldBe(TimeSpan.FromSeconds(15));
        WebhookDeliveryWorker.Backoff(3, initial, max, 1).ShouldBe(TimeSpan.FromSeconds(40));
        WebhookDeliveryWorker.Backoff(30, initial, max, 1).ShouldBe(max);
    }

    private static string Admin(AlertsHost host, string organisation) =>
        host.Tokens.Person("admin-" + organisation, organisation, AlertScenario.Municipality, "School", "Administrator");

    private static Task<HttpResponseMessage> RegisterAsync(AlertsHost host, string organisation, string id, string url, string secret) =>
        host.ClientWithToken(Admin(host, organisation)).PutAsJsonAsync(
            $"/api/v1/organisations/{organisation}/webhooks/{id}", new { url, secret }, TestContext.Current.CancellationToken);

    /// <summary>
    /// Waits until attempt <paramref name="attempt"/> has failed with 500 and its outcome is recorded. A claimed row
    /// already counts the attempt and still holds the previous attempt's status, but its next attempt is a whole claim
    /// timeout away; a recorded failure set a shorter backoff (or gave up).
    /// </summary>
    private static Task WaitUntilAttemptFailedAsync(AlertsHost host, int attempt)
    {
        var claimedUntil = host.Time.GetUtcNow() + host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.ClaimTimeout;
        return host.WaitUntilAsync(
            async () => await host.ScalarAsync(
                "select count(*) from coord_webhook_deliveries where attempts = $1 and last_status = 500 and (status = 'failed' or next_attempt_at < $2)",
                attempt, claimedUntil.UtcDateTime) == 1,
            $"failure {attempt} recorded");
    }

    private static async Task<double> SecondsUntilNextAttemptAsync(AlertsHost host)
    {
        await using var command = host.Database.CreateCommand("select next_attempt_at from coord_webhook_deliveries");
        var next = (DateTime)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        return (new DateTimeOffset(next, TimeSpan.Zero) - host.Time.GetUtcNow()).TotalSeconds;
    }

    private static Task DeliverAsync(AlertsHost host, string staff, string key, string caseId, string child) =>
        host.Services.GetRequiredService<IActorClient>().SendAsync(
            CoordinationActors.InboxOf(new StaffId(staff)),
            new DeliverAlert(
                AlertsHost.Alert(staff, caseId, host.Time.GetUtcNow(), child: child) with
                {
                    Text = new Domain.Common.LocalizedText("Kvittera ärendet.", "Acknowledge the case."),
                },
                key),
            cancellationToken: TestContext.Current.CancellationToken);
}
