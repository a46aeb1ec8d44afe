using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Protected identity never leaks: a world with a protected child in a case (absence case at Skyddsskolan, placed in care
/// by municipality 1299, a concern from social services), then EVERY GET endpoint of the OpenAPI document, with route
/// values from the world, as every role, plus the alert stream: the school's id and name and the placing municipality
/// appear in no body except for the case team (who need them, and whose bodies prove the scan would see a leak). Each
/// role also reads its own alerts one by one, and every organisation's webhook payloads are scanned for the school, the
/// placement and the protected child's key.
/// </summary>
public sealed partial class ProtectedIdentityLeakTests(PostgresServerFixture postgres)
{
    private const string AlertStream = "/api/v1/alerts/stream";

    private static readonly string[] Secrets = [LiveWorld.ProtectedSchool, LiveWorld.ProtectedSchoolName, LiveWorld.PlacingMunicipality];

    /// <summary>
    /// The case teams of the protected child: the absence case's (the school's student-health team: anna, karin; the named
    /// person) and the placed child's follow-up case's (the same team and the school's social services: sofia).
    /// </summary>
    private static readonly HashSet<string> CaseTeam = ["principal", "counsellor", "social-worker"];

    [Fact]
    public async Task ProtectedSchoolAndPlacement_AppearInNoResponse_ExceptForTheCaseTeam()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        using var receiver = WebhookReceiver.Start();
        var world = new LiveWorld(host);
        await world.SetUpAsync();

        // Every organisation of the world has a webhook (registered before anything happens): its payloads are scanned too.
        foreach (var organisation in WebhookOrganisations)
        {
            await RegisterWebhookAsync(host, organisation, receiver.Url);
        }

        await world.EnrolAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool, protectedIdentity: true);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var caseId = await world.OpenAbsenceCaseAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool);
        await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        await world.ReportConcernAsync(LiveWorld.SocialWorker, LiveWorld.ProtectedChild);
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["childKey"] = LiveWorld.ProtectedChild,
            ["caseId"] = caseId,
            ["code"] = LiveWorld.Municipality,
            // A school's own resources (its rules) say nothing about a child: ask for the other school's.
            ["schoolId"] = LiveWorld.OtherSchool,
            // One of the principal's alerts about the protected child's case (everyone else: 404); each role's own alerts are added below.
            ["alert"] = (await host.ScalarAsync("select min(id) from coord_alerts where case_id = $1", caseId)).ToString(CultureInfo.InvariantCulture),
            ["organisation"] = LiveWorld.SchoolOrg,
            ["id"] = WebhookId,
        };
        var paths = await GetPathsAsync(host, values);
        paths.Remove(AlertStream).ShouldBeTrue("the alert stream is read as a stream, below");
        paths.ShouldContain($"/api/v1/children/{LiveWorld.ProtectedChild}/overview");
        paths.ShouldContain($"/api/v1/cases/{caseId}");
        paths.Add($"/api/v1/cases?school={LiveWorld.ProtectedSchool}");
        paths.Add($"/api/v1/audit/children/{LiveWorld.ProtectedChild}");

        var people = LiveWorld.People.ToDictionary(p => p.Key, p => p.Value);
        people["school-admin"] = Administrator(LiveWorld.SchoolOrg);
        people["feed"] = new TestPerson("skolsystem", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", [], "12", Host.Security.SamverkanClaims.IngestScope);
        var leaks = new List<string>();
        var seenByTeam = new List<string>();
        var answered = 0;
        foreach (var (role, person) in people)
        {
            using var client = host.As(person);
            var own = await OwnAlertPathsAsync(host, person.Staff);
            foreach (var path in paths.Concat(own))
            {
                var response = await client.GetAsync(path, Http.Token);
                // A problem's random trace id may contain the digits of the placing municipality: not scanned.
                var body = TraceId().Replace(await response.Content.ReadAsStringAsync(Http.Token), "\"traceId\":\"\"");
                ((int)response.StatusCode).ShouldBeLessThan(500, $"{role} GET {path}: {body}");
                if (own.Contains(path))
                {
                    response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, $"{role} GET {path} (their own alert): {body}");
                }

                answered += response.IsSuccessStatusCode ? 1 : 0;
                foreach (var secret in Secrets.Where(s => body.Contains(s, StringComparison.Ordinal)))
                {
                    (CaseTeam.Contains(role) ? seenByTeam : leaks).Add($"{role} GET {path} shows '{secret}'");
                }

                if (!CaseTeam.Contains(role) && path.Contains("?school=", StringComparison.Ordinal) && body.Contains(caseId, StringComparison.Ordinal))
                {
                    leaks.Add($"{role}: filtering cases by the protected school finds the protected child's case");
                }
            }

            var stream = await ReadAlertStreamAsync(host, client, person.Staff);
            foreach (var secret in Secrets.Where(s => stream.Contains(s, StringComparison.Ordinal)))
            {
                (CaseTeam.Contains(role) ? seenByTeam : leaks).Add($"{role} alert stream shows '{secret}'");
            }
        }

        // The webhook payloads: every alert of the world posted to its recipient's organisation, none with the protected
        // child's school, placement or key (the ordinary child's key is there: the scan would see it).
        var expected = await host.ScalarAsync("select count(*) from coord_webhook_deliveries");
        expected.ShouldBeGreaterThan(0, "the alerts of the cases were queued for the organisations' webhooks");
        await LiveHost.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_webhook_deliveries where status = 'delivered'") == expected && receiver.Bodies.Count >= expected,
            "every webhook delivery posted");
        foreach (var delivered in receiver.Bodies)
        {
            // The delivery id is a random UUID (its hex digits may spell the placing municipality): not scanned.
            var body = DeliveryId().Replace(delivered, "\"deliveryId\": \"\"");
            foreach (var secret in Secrets.Append(LiveWorld.ProtectedChild).Where(s => body.Contains(s, StringComparison.Ordinal)))
            {
                leaks.Add($"webhook payload shows '{secret}': {body}");
            }
        }

        var protectedAlerts = await host.ScalarAsync("select count(*) from coord_alerts where child_key = $1", LiveWorld.ProtectedChild);
        var posted = receiver.Bodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("alertId").GetInt64()).ToHashSet();
        (await host.ScalarAsync("select count(*) from coord_alerts where child_key = $1 and id = any ($2)", LiveWorld.ProtectedChild, posted.ToArray()))
            .ShouldBe(protectedAlerts, "every alert about the protected child was posted to a webhook (so its payloads were scanned)");
        protectedAlerts.ShouldBeGreaterThan(0);
        receiver.Bodies.ShouldContain(b => b.Contains(LiveWorld.OrdinaryChild, StringComparison.Ordinal), "an ordinary child's key is in its payloads");

        leaks.ShouldBeEmpty();
        answered.ShouldBeGreaterThan(people.Count);
        seenByTeam.ShouldContain(l => l.StartsWith("counsellor GET /api/v1/children/", StringComparison.Ordinal) && l.Contains(LiveWorld.ProtectedSchool, StringComparison.Ordinal),
            "the case team sees the school (so the scan does see it when it is there)");
        seenByTeam.ShouldContain(l => l.StartsWith("principal GET /api/v1/cases/", StringComparison.Ordinal), "the case team sees the case's school");
    }

    private const string WebhookId = "leak-hook";

    private static readonly string[] WebhookOrganisations = [LiveWorld.SchoolOrg, LiveWorld.OtherSchoolOrg, LiveWorld.SocialOrg];

    /// <summary>An administrator of <paramref name="organisation"/>: manages its webhooks.</summary>
    internal static TestPerson Administrator(string organisation) =>
        new("admin-" + organisation, organisation, LiveWorld.Municipality, "School", ["Administrator"], "12");

    internal static async Task RegisterWebhookAsync(LiveHost host, string organisation, string url)
    {
        using var admin = host.As(Administrator(organisation));
        var response = await admin.PutAsJsonAsync(
            $"/api/v1/organisations/{organisation}/webhooks/{WebhookId}", new { url, secret = new string('k', 40), enabled = true }, Http.Token);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Http.Token));
    }

    /// <summary>GET /api/v1/alerts/{id} for each of the person's own alerts.</summary>
    private static async Task<List<string>> OwnAlertPathsAsync(LiveHost host, string staff)
    {
        await using var command = host.Database.CreateCommand("select id from coord_alerts where staff_id = $1 order by id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = staff });
        var paths = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Http.Token);
        while (await reader.ReadAsync(Http.Token))
        {
            paths.Add(string.Create(CultureInfo.InvariantCulture, $"/api/v1/alerts/{reader.GetInt64(0)}"));
        }

        return paths;
    }

    /// <summary>Every GET path of /openapi/v1.json, with its route values filled in; an unknown route value fails the test.</summary>
    internal static async Task<List<string>> GetPathsAsync(LiveHost host, IReadOnlyDictionary<string, string> values)
    {
        using var anonymous = host.CreateClient();
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json", Http.Token)).RootElement;
        var paths = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out _))
            {
                continue;
            }

            var filled = RouteValue().Replace(path.Name, m => values.TryGetValue(m.Groups[1].Value, out var value)
                ? Uri.EscapeDataString(value)
                : throw new InvalidOperationException($"GET {path.Name}: the leak scan has no value for {{{m.Groups[1].Value}}}; add one from the world."));
            paths.Add(filled);
        }

        return paths;
    }

    /// <summary>What the alert stream sends at once: every alert of the person that is in the read model, or just its start.</summary>
    private static async Task<string> ReadAlertStreamAsync(LiveHost host, HttpClient client, string staff)
    {
        var expected = await host.ScalarAsync("select count(*) from coord_alerts where staff_id = $1 and acknowledged_at is null", staff);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Http.Token);
        guard.CancelAfter(TimeSpan.FromSeconds(30)); // a hang guard, not a timing assertion
        using var request = new HttpRequestMessage(HttpMethod.Get, AlertStream);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, guard.Token);
        if (!response.IsSuccessStatusCode)
        {
            return await response.Content.ReadAsStringAsync(guard.Token);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(guard.Token), Encoding.UTF8);
        var text = new StringBuilder();
        var alerts = 0;
        var started = false;
        while (!started || alerts < expected)
        {
            var line = await reader.ReadLineAsync(guard.Token) ?? throw new EndOfStreamException("The alert stream ended.");
            text.AppendLine(line);
            started |= line.StartsWith("retry:", StringComparison.Ordinal);
            alerts += line == "event: alert" ? 1 : 0;
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(?::[^}]*)?\}")]
    private static partial Regex RouteValue();

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    [GeneratedRegex("\"deliveryId\": ?\"[^\"]*\"")]
    private static partial Regex DeliveryId();
}
