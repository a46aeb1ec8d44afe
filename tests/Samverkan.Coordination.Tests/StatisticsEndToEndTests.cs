using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>
/// Statistics over time (issue 16) through the real host: cases opened by the absence rule in municipality 1280, a
/// second municipality (0180) of the same region with cases of its own, and who sees what, with small counts as "&lt; 5".
/// </summary>
public sealed class StatisticsEndToEndTests(PostgresServerFixture postgres)
{
    // Monday 23 March 2026, 08:00 in Sweden: ISO week 13, in March.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Query = "?period=month&from=2026-03-01&to=2026-03-31";

    [Fact]
    public async Task Coordinator_SeesOnlyTheirMunicipality_WithSmallCountsHidden_RegionSeesBoth_OthersAreRefused_AndTheCsvMatches()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        var otherFeed = host.ClientWithToken(host.Tokens.Feed("skolsystem-0180", "org-0180-skola", "0180", "School"));
        (await otherFeed.PutAsJsonAsync("/api/v1/municipalities/0180", new { name = "Grannkommun", regionCode = "12" }, ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Six pupils of Tallskolan cross the 20 % threshold: six absence cases, opened by the actors.
        string[] pupils = [.. "abcdef".Select(c => $"c_statisticspupil{c}{c}")];
        foreach (var pupil in pupils)
        {
            await scenario.EnrolAsync(pupil);
            (await scenario.PostAbsencesAsync(scenario.Registrations(pupil, days: 20, absentDays: 5))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where municipality = '1280'") == 6, "six cases");

        // Read-model rows written directly: municipality 0180's three cases, and 1280's reports of concern: 9 without an
        // investigation and 3 with one (the table that leaks without secondary suppression: 12 − 9 = 3).
        for (var i = 0; i < 3; i++)
        {
            await host.ScalarAsync(
                "insert into coord_cases (case_id, child_key, municipality, school_id, kind, status, severity, opened_at) values ($1, $2, '0180', 's-granne', 'Sip', 'Open', 'Normal', $3) returning 1",
                $"case-0180-{i}", $"c_grannkommunpupil{(char)('a' + i)}", Monday.AddDays(-2));
        }

        for (var i = 0; i < 12; i++)
        {
            await host.ScalarAsync(
                "insert into coord_concerns (concern_id, child_key, municipality, school_id, category, reported_on, reporting_org, reporting_agency, outcome) values ($1, $2, '1280', $3, 'Neglect', $4, 'org-1280-skola', 'School', $5) returning 1",
                $"concern-{i}", pupils[i % 6], Scenario.School, new DateOnly(2026, 3, 10), i < 9 ? "NotOpened" : "Opened");
        }

        var coordinator = host.ClientWithToken(host.Tokens.Person("kim", "org-1280-kommun", Scenario.Municipality, "SocialServices", "Coordinator"));
        var report = await ReadAsync(coordinator, $"/api/v1/statistics{Query}");
        report.GetProperty("municipalities").EnumerateArray().Select(m => m.GetString()).ShouldBe(["1280"]);
        var total = report.GetProperty("totals").EnumerateArray().Single();
        total.GetProperty("period").GetString().ShouldBe("2026-03");
        total.GetProperty("casesOpened").GetString().ShouldBe("6");
        total.GetProperty("casesClosed").GetString().ShouldBe("0");
        total.GetProperty("investigationNotOpened").GetString().ShouldBe("9");
        total.GetProperty("investigationOpened").GetString().ShouldBe("< 5");
        total.GetProperty("reports").GetString().ShouldBe("< 5", "12 next to 9 would give the hidden 3 back");
        total.GetProperty("medianHoursToAcknowledgement").GetString().ShouldBe("–", "no case acknowledged: fewer than five to take a median of");
        var cases = report.GetProperty("cases").EnumerateArray().Single();
        (cases.GetProperty("school").GetString(), cases.GetProperty("kind").GetString(), cases.GetProperty("opened").GetString()).ShouldBe((Scenario.School, "AbsenceFollowUp", "6"));
        var raw = report.GetRawText();
        raw.ShouldNotContain("0180");
        raw.ShouldNotContain("c_", customMessage: "no child key in statistics");

        // By week: week 13 (the cases) and week 11 (the concerns), every week of March in the table.
        var weeks = await ReadAsync(coordinator, "/api/v1/statistics?period=week&from=2026-03-01&to=2026-03-31");
        weeks.GetProperty("from").GetString().ShouldBe("2026-02-23");
        weeks.GetProperty("totals").EnumerateArray().Select(t => t.GetProperty("period").GetString()).ShouldBe(["2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]);
        weeks.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("period").GetString() == "2026-W13").GetProperty("casesOpened").GetString().ShouldBe("6");

        // The region's coordinator sees both municipalities side by side; 0180's three cases are "< 5".
        var regional = host.ClientWithToken(host.Tokens.RegionalPerson("rut", "org-region-12", Scenario.Municipality, "12", "SocialServices", "RegionalCoordinator"));
        var region = await ReadAsync(regional, $"/api/v1/statistics{Query}");
        region.GetProperty("municipalities").EnumerateArray().Select(m => m.GetString()).ShouldBe(["0180", "1280"]);
        region.GetProperty("totals").EnumerateArray().Select(t => (t.GetProperty("municipality").GetString(), t.GetProperty("casesOpened").GetString()))
            .ShouldBe([("0180", "< 5"), ("1280", "6")]);
        (await ReadAsync(regional, $"/api/v1/statistics{Query}&municipality=0180")).GetProperty("municipalities").GetArrayLength().ShouldBe(1);

        // Refused: another municipality's staff, the coordinator's own counsellor, a coordinator asking for a neighbour.
        (await scenario.OtherMunicipality.GetAsync($"/api/v1/statistics{Query}", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await scenario.Counsellor.GetAsync($"/api/v1/statistics{Query}", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await scenario.Counsellor.GetAsync($"/api/v1/statistics.csv{Query}", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await coordinator.GetAsync($"/api/v1/statistics{Query}&municipality=0180", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await coordinator.GetAsync($"/api/v1/statistics{Query}&municipality=9999", ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var otherCoordinator = host.ClientWithToken(host.Tokens.Person("otto", "org-0180-kommun", "0180", "SocialServices", "Coordinator"));
        (await otherCoordinator.GetAsync($"/api/v1/statistics{Query}&municipality=1280", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var theirs = await ReadAsync(otherCoordinator, $"/api/v1/statistics{Query}");
        theirs.GetProperty("municipalities").EnumerateArray().Select(m => m.GetString()).ShouldBe(["0180"]);

        // Bad input: 400 for what cannot be read, 422 for a range that cannot be answered; problem details either way.
        foreach (var (query, status) in new[]
                 {
                     ("?period=year", HttpStatusCode.BadRequest), ("?from=2026-13-01", HttpStatusCode.BadRequest), ("?to=23/3/2026", HttpStatusCode.BadRequest),
                     ("?from=2026-04-01&to=2026-03-01", HttpStatusCode.UnprocessableEntity), ("?from=2020-01-01&to=2026-03-01", HttpStatusCode.UnprocessableEntity),
                 })
        {
            var bad = await coordinator.GetAsync($"/api/v1/statistics{query}", ct);
            bad.StatusCode.ShouldBe(status, query);
            bad.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", query);
        }

        // The CSV: the same protected values, no child key, no other municipality.
        var csvResponse = await coordinator.GetAsync($"/api/v1/statistics.csv{Query}", ct);
        csvResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        csvResponse.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        csvResponse.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        var csv = (await csvResponse.Content.ReadAsStringAsync(ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        csv[0].ShouldBe("section,period,municipality,school,kind,measure,value");
        csv.ShouldContain("municipality,2026-03,1280,,,casesOpened,6");
        csv.ShouldContain("municipality,2026-03,1280,,,reports,< 5");
        csv.ShouldContain("municipality,2026-03,1280,,,investigationNotOpened,9");
        csv.ShouldContain($"cases,2026-03,1280,{Scenario.School},AbsenceFollowUp,opened,6");
        csv.ShouldContain($"concerns,2026-03,1280,{Scenario.School},,investigationOpened,< 5");
        csv.ShouldContain($"concerns,2026-03,1280,{Scenario.School},,reports,< 5");
        csv.ShouldNotContain(l => l.Contains("c_", StringComparison.Ordinal) || l.Contains("0180", StringComparison.Ordinal));
        csv.Skip(1).ShouldAllBe(l => l.Split(',').Length == 7);
    }

    private static async Task<JsonElement> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await CoordinationHost.ReadAsync<JsonElement>(response);
    }
}
