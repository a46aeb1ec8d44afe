using System.Net;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The child's chronology is filtered per viewer: concerns only to those who may see them (social services all of them,
/// the reporting school its own report only), case entries only of the cases the viewer may see, nothing to the unrelated.
/// </summary>
public sealed class ChronologyAccessTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task Chronology_ShowsEachViewerOnlyWhatTheirAccessAllows()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.EnrolAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool);
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var caseId = await world.OpenAbsenceCaseAsync(LiveWorld.ProtectedChild, LiveWorld.ProtectedSchool);
        var otherCase = await world.OpenAbsenceCaseAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool);
        var bySchool = await world.ReportConcernAsync(LiveWorld.Counsellor, LiveWorld.ProtectedChild, "chronology-by-school");
        var bySocial = await world.ReportConcernAsync(LiveWorld.SocialWorker, LiveWorld.ProtectedChild, "chronology-by-social");
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");

        var social = await ChronologyAsync(host, LiveWorld.SocialWorker);
        social.ShouldContain(e => e.Source == "concern" && e.Text.Contains(bySchool, StringComparison.Ordinal));
        social.ShouldContain(e => e.Source == "concern" && e.Text.Contains(bySocial, StringComparison.Ordinal));

        var reporter = await ChronologyAsync(host, LiveWorld.Counsellor);
        reporter.ShouldContain(e => e.Source == "concern" && e.Text.Contains(bySchool, StringComparison.Ordinal), "the reporting school learns of its own report");
        reporter.ShouldNotContain(e => e.Text.Contains(bySocial, StringComparison.Ordinal), "another organisation's report is not the school's to see");
        reporter.ShouldContain(e => e.Source == "case" && e.CaseId == caseId);

        foreach (var viewer in new[] { LiveWorld.Principal, LiveWorld.Counsellor, LiveWorld.SocialWorker })
        {
            foreach (var entry in (await ChronologyAsync(host, viewer)).Where(e => e.CaseId is not null))
            {
                (await host.ScalarAsync("select count(*) from coord_cases where case_id = $1 and child_key = $2", entry.CaseId!, LiveWorld.ProtectedChild))
                    .ShouldBe(1, $"{viewer.Staff}: only the child's own cases ({entry.CaseId})");
            }
        }

        foreach (var outsider in new[] { LiveWorld.OtherSchoolNurse, LiveWorld.HealthNurse, LiveWorld.Coordinator, LiveWorld.OtherMunicipality })
        {
            using var client = host.As(outsider);
            var response = await client.GetAsync($"/api/v1/children/{LiveWorld.ProtectedChild}/chronology", Http.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{outsider.Staff}: {await response.Content.ReadAsStringAsync(Http.Token)}");
        }

        // The ordinary child's case team sees its case in its chronology, and no concern (there is none and they are school staff).
        var nurse = await ChronologyAsync(host, LiveWorld.OtherSchoolNurse, LiveWorld.OrdinaryChild);
        nurse.ShouldContain(e => e.CaseId == otherCase);
        nurse.ShouldNotContain(e => e.Source == "concern");
    }

    private static async Task<List<Entry>> ChronologyAsync(LiveHost host, TestPerson viewer, string child = LiveWorld.ProtectedChild)
    {
        using var client = host.As(viewer);
        var response = await client.GetAsync($"/api/v1/children/{child}/chronology", Http.Token);
        var body = await response.Content.ReadAsStringAsync(Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{viewer.Staff}: {body}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("entries").EnumerateArray().Select(e => new Entry(
            e.GetProperty("source").GetString()!,
            e.GetProperty("text").GetString()!,
            e.TryGetProperty("caseId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null))];
    }

    private sealed record Entry(string Source, string Text, string? CaseId);
}
