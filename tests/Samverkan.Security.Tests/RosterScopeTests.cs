using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// Roster writes stay within the caller's municipality (a regional team within its region): another municipality's
/// system can neither write a school or team there, nor move one over by writing it with its own municipality, which
/// would hand its members' access and alerts to another municipality.
/// </summary>
public sealed class RosterScopeTests(PostgresServerFixture postgres)
{
    private static readonly TestPerson Feed1280 = new("skolsystem", "org-1280-skola", "1280", "School", [], "12", Host.Security.SamverkanClaims.IngestScope);
    private static readonly TestPerson Feed0180 = new("skolsystem-0180", "org-0180-skola", "0180", "School", [], "01", Host.Security.SamverkanClaims.IngestScope);
    private static readonly TestPerson Admin0180 = new("adam", "org-0180-skola", "0180", "School", ["Administrator"], "01");

    [Fact]
    public async Task RosterWrites_AreLimitedToTheCallersMunicipalityOrRegion()
    {
        await using var host = await LiveHost.StartAsync(postgres);
        using var ours = host.As(Feed1280);
        using var theirs = host.As(Feed0180);
        using var theirAdmin = host.As(Admin0180);
        (await PutAsync(ours, "/api/v1/municipalities/1280", new { name = "Testkommun", regionCode = "12" })).ShouldBe(HttpStatusCode.OK);
        (await PutAsync(ours, "/api/v1/teams/t-a", Team("t-a", "1280", null, "anna"))).ShouldBe(HttpStatusCode.OK);
        (await PutAsync(ours, "/api/v1/schools/s-a", School("s-a", "1280", "t-a"))).ShouldBe(HttpStatusCode.OK);
        (await PutAsync(ours, "/api/v1/teams/t-bvc", Team("t-bvc", null, "12", "hanna"))).ShouldBe(HttpStatusCode.OK, "a regional team of its region");

        // Another municipality's feed and administrator: not there, and not by moving it over.
        (await PutAsync(theirs, "/api/v1/municipalities/1280", new { name = "Kapad", regionCode = "01" })).ShouldBe(HttpStatusCode.Forbidden);
        (await PutAsync(theirs, "/api/v1/municipalities/1280/calendar", new { municipality = "1280" })).ShouldBe(HttpStatusCode.Forbidden);
        (await PutAsync(theirs, "/api/v1/teams/t-a", Team("t-a", "1280", null, "olle"))).ShouldBe(HttpStatusCode.Forbidden);
        (await PutAsync(theirs, "/api/v1/teams/t-a", Team("t-a", "0180", null, "olle"))).ShouldBe(HttpStatusCode.Forbidden, "moving the team over");
        (await PutAsync(theirAdmin, "/api/v1/schools/s-a", School("s-a", "0180", "t-a"))).ShouldBe(HttpStatusCode.Forbidden, "moving the school over");
        (await PutAsync(theirs, "/api/v1/schools/s-new", School("s-new", "1280", "t-a"))).ShouldBe(HttpStatusCode.Forbidden);
        (await PutAsync(theirs, "/api/v1/teams/t-bvc", Team("t-bvc", null, "12", "olle"))).ShouldBe(HttpStatusCode.Forbidden, "another region's team");
        (await PutAsync(theirs, "/api/v1/teams/t-bvc", Team("t-bvc", null, "01", "olle"))).ShouldBe(HttpStatusCode.Forbidden, "moving it to its region");

        // Its own municipality's roster is its to write.
        (await PutAsync(theirs, "/api/v1/municipalities/0180", new { name = "Annan kommun", regionCode = "01" })).ShouldBe(HttpStatusCode.OK);
        (await PutAsync(theirs, "/api/v1/teams/t-b", Team("t-b", "0180", null, "olle"))).ShouldBe(HttpStatusCode.OK);

        // A batch refuses the items of another municipality one by one and applies the rest.
        var batch = await theirs.PostAsJsonAsync("/api/v1/roster/batch", new
        {
            teams = new[] { Team("t-a", "0180", null, "olle"), Team("t-c", "0180", null, "olle") },
            schools = new[] { School("s-a", "1280", "t-a"), School("s-b", "0180", "t-b") },
        }, Http.Token);
        batch.StatusCode.ShouldBe(HttpStatusCode.OK, await batch.Content.ReadAsStringAsync(Http.Token));
        var items = (await batch.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("id").GetString()}:{(i.GetProperty("ok").GetBoolean() ? "ok" : i.GetProperty("code").GetString())}")
            .Order(StringComparer.Ordinal)
            .ToList();
        items.ShouldBe(["s-a:OtherMunicipality", "s-b:ok", "t-a:OtherMunicipality", "t-c:ok"]);

        // Nothing of 1280's changed.
        (await host.ScalarAsync("select count(*) from coord_teams where team_id = 't-a' and municipality = '1280' and members = '{anna}'")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_teams where team_id = 't-bvc' and municipality is null and members = '{hanna}'")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_schools where school_id = 's-a' and municipality = '1280'")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_schools where school_id = 's-new'")).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from coord_municipalities where code = '1280' and name = 'Testkommun'")).ShouldBe(1);
    }

    private static object Team(string id, string? municipality, string? region, string member) => new
    {
        id, name = id, agency = municipality is null ? "ChildHealthCentre" : "School",
        organisation = municipality is null ? "org-region-" + region : "org-" + municipality + "-skola",
        municipality, regionCode = region,
        members = new[] { new { staff = member, role = municipality is null ? "Nurse" : "Counsellor" } },
    };

    private static object School(string id, string municipality, string team) => new
    {
        id, name = id, municipality, kind = "Compulsory", organisation = "org-" + municipality + "-skola", studentHealthTeam = team,
    };

    private static async Task<HttpStatusCode> PutAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PutAsJsonAsync(path, body, Http.Token);
        return response.StatusCode;
    }
}
