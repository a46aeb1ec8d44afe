using System.Net;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Who reported a concern is shown to social services only: on the overview, and in no other GET answer of the API
/// (the chronology, the feedback list and each role's own alerts included).
/// </summary>
public sealed class ReporterProtectionTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Reporter_IsShownToSocialServicesOnly_InEveryGetEndpoint()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var caseId = await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        await world.ReportConcernAsync(LiveWorld.OtherSchoolNurse, LiveWorld.OrdinaryChild);
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");

        // The reporter's own staff id, as it would appear in a body.
        var reporter = $"\"{LiveWorld.OtherSchoolNurse.Staff}\"";
        var paths = await ProtectedIdentityLeakTests.GetPathsAsync(host, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["childKey"] = LiveWorld.OrdinaryChild,
            ["caseId"] = caseId,
            ["code"] = LiveWorld.Municipality,
            ["schoolId"] = LiveWorld.OtherSchool,
            ["alert"] = (await host.ScalarAsync("select min(id) from coord_alerts where case_id = $1", caseId)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["organisation"] = LiveWorld.OtherSchoolOrg,
            ["id"] = "reporter-hook",
        });
        paths.ShouldContain($"/api/v1/children/{LiveWorld.OrdinaryChild}/chronology");
        paths.ShouldContain("/api/v1/concerns/feedback");
        paths.Remove("/api/v1/alerts/stream");
        // The audit review lists who accessed the child (staff ids are its purpose); it is for audit reviewers only.
        paths.RemoveAll(p => p.StartsWith("/api/v1/audit/", StringComparison.Ordinal));

        var shown = new List<string>();
        var overviews = 0;
        foreach (var (role, person) in LiveWorld.People)
        {
            using var client = host.As(person);
            var own = new List<string>();
            await using (var command = host.Database.CreateCommand("select id from coord_alerts where staff_id = $1 order by id"))
            {
                command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = person.Staff });
                await using var reader = await command.ExecuteReaderAsync(Http.Token);
                while (await reader.ReadAsync(Http.Token))
                {
                    own.Add($"/api/v1/alerts/{reader.GetInt64(0)}");
                }
            }

            foreach (var path in paths.Concat(own))
            {
                var response = await client.GetAsync(path, Http.Token);
                var body = WithoutCaseWorkAlertsTo(path, await response.Content.ReadAsStringAsync(Http.Token), LiveWorld.OtherSchoolNurse.Staff);
                overviews += path.EndsWith("/overview", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.OK ? 1 : 0;
                if (body.Contains(reporter, StringComparison.Ordinal))
                {
                    shown.Add($"{role} GET {path}");
                }
            }
        }

        shown.ShouldBe([$"social-worker GET /api/v1/children/{LiveWorld.OrdinaryChild}/overview"]);
        overviews.ShouldBeGreaterThan(1, "the reporter herself and social services both open the overview");

        using var social = host.As(LiveWorld.SocialWorker);
        var concern = (await Http.JsonAsync<JsonElement>(await social.GetAsync($"/api/v1/children/{LiveWorld.OrdinaryChild}/overview", Http.Token)))
            .GetProperty("concerns").EnumerateArray().ShouldHaveSingleItem();
        concern.GetProperty("reporter").GetProperty("staff").GetString().ShouldBe(LiveWorld.OtherSchoolNurse.Staff);
    }

    private static readonly HashSet<string> ConcernAlertKinds = ["ConcernRegistered", "ReporterFeedbackDue", "ReporterFeedbackOverdue"];

    /// <summary>
    /// A case's alerts name their recipients, and the reporter (nora) is on the case's team: the alerts she got as a
    /// participant are taken out of the scanned body (none may be about a concern), everything else is scanned as it is.
    /// </summary>
    private static string WithoutCaseWorkAlertsTo(string path, string body, string reporter)
    {
        if (!path.StartsWith("/api/v1/cases/", StringComparison.Ordinal) || !path.EndsWith("/alerts", StringComparison.Ordinal) || !body.StartsWith('{'))
        {
            return body;
        }

        var root = JsonDocument.Parse(body).RootElement;
        if (!root.TryGetProperty("items", out var items))
        {
            return body;
        }

        var kept = new List<JsonElement>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.GetProperty("recipient").GetString() == reporter)
            {
                ConcernAlertKinds.ShouldNotContain(item.GetProperty("kind").GetString()!, "an alert about a concern to its reporter, listed on the case");
                continue;
            }

            kept.Add(item);
        }

        return JsonSerializer.Serialize(new { caseId = root.GetProperty("caseId").GetString(), items = kept });
    }
}
