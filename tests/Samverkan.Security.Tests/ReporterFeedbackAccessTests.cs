using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The feedback owed to reporters (<c>GET /api/v1/concerns/feedback</c>) names children: it lists only the children of
/// the schools whose social-services contact person the caller is, not every child of the social-services organisation.
/// </summary>
public sealed class ReporterFeedbackAccessTests(PostgresServerFixture postgres)
{
    private static readonly TestPerson NotAContact = new("sven", LiveWorld.SocialOrg, LiveWorld.Municipality, "SocialServices", ["SocialWorker"], "12");

    [Fact]
    public async Task FeedbackList_ShowsTheSchoolsContactPersonsOnly()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        var world = new LiveWorld(host);
        await world.SetUpAsync();
        await world.PutStaffAsync(NotAContact.Staff, LiveWorld.SocialOrg, "SocialServices", "SocialWorker");
        await world.EnrolAsync(LiveWorld.OrdinaryChild, LiveWorld.OtherSchool, namedPerson: null);
        var concern = await world.ReportConcernAsync(LiveWorld.OtherSchoolNurse, LiveWorld.OrdinaryChild);
        await LiveHost.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_concern_feedback where concern_id = $1", concern) == 1, "the feedback owed");

        (await FeedbackAsync(host, LiveWorld.SocialWorker)).ShouldBe([(concern, LiveWorld.OrdinaryChild)], "sofia is a contact person of the school");
        (await FeedbackAsync(host, NotAContact)).ShouldBeEmpty("sven works for the same organisation but has no relation to the school's children");
        (await FeedbackAsync(host, LiveWorld.OtherSchoolNurse)).ShouldBeEmpty("only social services owe feedback");

        // And sven may not see the child either (the rule the list follows).
        using var sven = host.As(NotAContact);
        (await sven.GetAsync($"/api/v1/children/{LiveWorld.OrdinaryChild}/overview", Http.Token)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static async Task<List<(string Concern, string Child)>> FeedbackAsync(LiveHost host, TestPerson person)
    {
        using var client = host.As(person);
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/concerns/feedback?includeGiven=true", Http.Token);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("concernId").GetString()!, i.GetProperty("childKey").GetString()!))];
    }
}
