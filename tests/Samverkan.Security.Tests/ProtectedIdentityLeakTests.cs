using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Protected identity never leaks: a world with a protected child in a case (absence case at Skyddsskolan, placed in care
/// by municipality 1299, a concern from social services), then EVERY GET endpoint of the OpenAPI document, with route
/// values from the world, as every role, plus the alert stream: the school's id and name and the placing municipality
/// appear in no body except for the case team (who need them, and whose bodies prove the scan would see a leak).
/// </summary>
public sealed partial class ProtectedIdentityLeakTests(PostgresServerFixture postgres)
{
    private const string AlertStream = "/api/v1/alerts/stream";

    private static readonly string[] Secrets = [LiveWorld.ProtectedSchool, LiveWorld.ProtectedSchoolName, LiveWorld.PlacingMunicipality];

    /// <summary>The case team of the protected child's case: the school's student-health team (anna, karin) and the named person.</summary>
    private static readonly HashSet<string> CaseTeam = ["principal", "counsellor"];

    [Fact]
    public async Task ProtectedSchoolAndPlacement_AppearInNoResponse_ExceptForTheCaseTeam()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool, protectedIdentity: true);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var caseId = await world.OpenAbsenceCaseAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool);
        await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        await world.ReportConcernAsync(LiveWorld.SocialWorker, LiveWorld.ProtectedChild);
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_mailbox") == 0, "all messages processed");

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["childKey"] = LiveWorld.ProtectedChild,
            ["caseId"] = caseId,
            ["code"] = LiveWorld.Municipality,
            // A school's own resources (its rules) say nothing about a child: ask for the other school's.
            ["schoolId"] = LiveWorld.OtherSchool,
        };
        var paths = await GetPathsAsync(host, values);
        paths.Remove(AlertStream).ShouldBeTrue("the alert stream is read as a stream, below");
        paths.ShouldContain($"/api/v1/children/{LiveWorld.ProtectedChild}/overview");
        paths.ShouldContain($"/api/v1/cases/{caseId}");
        paths.Add($"/api/v1/cases?school={LiveWorld.ProtectedSchool}");
        paths.Add($"/api/v1/audit/children/{LiveWorld.ProtectedChild}");

        var people = LiveWorld.People.ToDictionary(p => p.Key, p => p.Value);
        people["feed"] = new TestPerson("skolsystem", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", [], "12", Host.Security.SamverkanClaims.IngestScope);
        var leaks = new List<string>();
        var seenByTeam = new List<string>();
        var answered = 0;
        foreach (var (role, person) in people)
        {
            using var client = host.As(person);
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path, Http.Token);
                var body = await response.Content.ReadAsStringAsync(Http.Token);
                ((int)response.StatusCode).ShouldBeLessThan(500, $"{role} GET {path}: {body}");
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

        leaks.ShouldBeEmpty();
        answered.ShouldBeGreaterThan(people.Count);
        seenByTeam.ShouldContain(l => l.StartsWith("counsellor GET /api/v1/children/", StringComparison.Ordinal) && l.Contains(LiveWorld.ProtectedSchool, StringComparison.Ordinal),
            "the case team sees the school (so the scan does see it when it is there)");
        seenByTeam.ShouldContain(l => l.StartsWith("principal GET /api/v1/cases/", StringComparison.Ordinal), "the case team sees the case's school");
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
}
