using System.Net;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>Who reported a concern is shown to social services only: on the overview, and in no other GET answer of the API.</summary>
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
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_mailbox") == 0, "all messages processed");

        // The reporter's own staff id, as it would appear in a body.
        var reporter = $"\"{LiveWorld.OtherSchoolNurse.Staff}\"";
        var paths = await ProtectedIdentityLeakTests.GetPathsAsync(host, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["childKey"] = LiveWorld.OrdinaryChild,
            ["caseId"] = caseId,
            ["code"] = LiveWorld.Municipality,
            ["schoolId"] = LiveWorld.OtherSchool,
        });
        paths.Remove("/api/v1/alerts/stream");
        // The audit review lists who accessed the child (staff ids are its purpose); it is for audit reviewers only.
        paths.RemoveAll(p => p.StartsWith("/api/v1/audit/", StringComparison.Ordinal));

        var shown = new List<string>();
        var overviews = 0;
        foreach (var (role, person) in LiveWorld.People)
        {
            using var client = host.As(person);
            foreach (var path in paths)
            {
                var response = await client.GetAsync(path, Http.Token);
                var body = await response.Content.ReadAsStringAsync(Http.Token);
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
}
