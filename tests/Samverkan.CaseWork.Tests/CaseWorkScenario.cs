using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Samverkan.CaseWork.Tests;

/// <summary>
/// A municipality set up through the roster API: a school with its student-health team (anna the principal, karin the
/// counsellor, lena a counsellor who takes over), social services (sofia, ahmed) as the school's two contact persons,
/// a coordinator team (maria, also karin's manager), and a second school (with its own team, erik) children move to.
/// </summary>
internal sealed class CaseWorkScenario(CaseWorkHost host)
{
    public const string Municipality = "1280";
    public const string School = "s-tallskolan";
    public const string OtherSchool = "s-bjorkskolan";
    public const string SchoolOrganisation = "org-1280-skola";
    public const string OtherSchoolOrganisation = "org-1280-friskola";
    public const string SocialOrganisation = "org-1280-soc";
    public const string HealthTeam = "t-tall-eht";
    public const string OtherHealthTeam = "t-bjork-eht";
    public const string SocialTeam = "t-1280-soc";
    public const string Coordinators = "t-1280-samordnare";
    public const string RegionOrganisation = "org-region-12-bup";

    public HttpClient Feed { get; } = host.ClientWithToken(host.Tokens.Feed("skolsystem", SchoolOrganisation, Municipality, "School"));

    public HttpClient Counsellor { get; } = host.ClientWithToken(host.Tokens.Person("karin", SchoolOrganisation, Municipality, "School", "Counsellor"));

    public HttpClient NewCounsellor { get; } = host.ClientWithToken(host.Tokens.Person("lena", SchoolOrganisation, Municipality, "School", "Counsellor"));

    public HttpClient Principal { get; } = host.ClientWithToken(host.Tokens.Person("anna", SchoolOrganisation, Municipality, "School", "Principal"));

    public HttpClient OtherSchoolCounsellor { get; } = host.ClientWithToken(host.Tokens.Person("erik", OtherSchoolOrganisation, Municipality, "School", "Counsellor"));

    public HttpClient SocialWorker { get; } = host.ClientWithToken(host.Tokens.Person("sofia", SocialOrganisation, Municipality, "SocialServices", "SocialWorker"));

    public HttpClient Manager { get; } = host.ClientWithToken(host.Tokens.Person("maria", SchoolOrganisation, Municipality, "School", "Coordinator"));

    public HttpClient ChildPsychiatrist { get; } = host.ClientWithToken(host.Tokens.RegionalPerson("bengt", RegionOrganisation, Municipality, "12", "ChildPsychiatry", "Psychologist"));

    public HttpClient OtherMunicipality { get; } = host.ClientWithToken(host.Tokens.Person("olle", "org-0180-skola", "0180", "School", "Counsellor"));

    public async Task SetUpAsync()
    {
        await PutAsync($"/api/v1/municipalities/{Municipality}", new { name = "Testkommun", regionCode = "12", coordinatorTeam = Coordinators });
        foreach (var (id, org, agency, role, manager) in new[]
                 {
                     ("maria", SchoolOrganisation, "School", "Coordinator", (string?)null),
                     ("anna", SchoolOrganisation, "School", "Principal", "maria"), ("karin", SchoolOrganisation, "School", "Counsellor", "maria"),
                     ("lena", SchoolOrganisation, "School", "Counsellor", "maria"), ("erik", OtherSchoolOrganisation, "School", "Counsellor", null),
                     ("sofia", SocialOrganisation, "SocialServices", "SocialWorker", null), ("ahmed", SocialOrganisation, "SocialServices", "SocialWorker", null),
                     ("bengt", RegionOrganisation, "ChildPsychiatry", "Psychologist", null),
                 })
        {
            await PutAsync($"/api/v1/staff/{id}", new { id, displayName = id, organisation = org, agency, roles = new[] { role }, manager });
        }

        await PutTeamAsync(HealthTeam, "School", SchoolOrganisation, ("anna", "Principal"), ("karin", "Counsellor"), ("lena", "Counsellor"));
        await PutTeamAsync(OtherHealthTeam, "School", OtherSchoolOrganisation, ("erik", "Counsellor"));
        await PutTeamAsync(SocialTeam, "SocialServices", SocialOrganisation, ("sofia", "SocialWorker"), ("ahmed", "SocialWorker"));
        await PutTeamAsync(Coordinators, "School", SchoolOrganisation, ("maria", "Coordinator"));
        foreach (var (school, team, organisation) in new[] { (School, HealthTeam, SchoolOrganisation), (OtherSchool, OtherHealthTeam, OtherSchoolOrganisation) })
        {
            await PutAsync($"/api/v1/schools/{school}", new
            {
                id = school, name = school, municipality = Municipality, kind = "Compulsory", organisation,
                studentHealthTeam = team,
                socialServices = new { organisation = SocialOrganisation, team = SocialTeam, contactPersons = new[] { "sofia", "ahmed" } },
            });
        }
    }

    /// <summary>Enrols a child at the school with the principal as named person (optionally placed in care from a date).</summary>
    public async Task EnrolAsync(string key, string? placedFrom = null, string school = School, string from = "2025-08-18")
    {
        var response = await Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key },
            homeMunicipality = Municipality,
            enrolments = new[] { new { school, from } },
            namedPerson = new { staff = "anna", agency = "School" },
            placedInCare = placedFrom is null ? null : new { placingMunicipality = Municipality, from = placedFrom },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The roster moves the child from the school to the other school today (the old enrolment ended yesterday).</summary>
    public async Task MoveToOtherSchoolAsync(string key)
    {
        var today = Domain.Calendar.SwedishTime.DateOf(host.Time.GetUtcNow());
        var response = await Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key },
            homeMunicipality = Municipality,
            enrolments = new object[]
            {
                new { school = School, from = "2025-08-18", to = today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
                new { school = OtherSchool, from = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
            },
            namedPerson = new { staff = "anna", agency = "School" },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Two reports of concern from the school: the second within 12 months opens a case with social services.</summary>
    public async Task<string> OpenConcernCaseAsync(string key)
    {
        var today = Domain.Calendar.SwedishTime.DateOf(host.Time.GetUtcNow());
        foreach (var (id, daysAgo) in new[] { ("oro-1", 30), ("oro-2", 1) })
        {
            await ReportConcernAsync(key, id, today.AddDays(-daysAgo));
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1", key) == 1, "the case");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all processed");
        return (await host.TextAsync("select case_id from coord_cases where child_key = $1", key))!;
    }

    public async Task ReportConcernAsync(string key, string id, DateOnly date)
    {
        var response = await Counsellor.PostAsJsonAsync("/api/v1/concerns", new
        {
            id,
            child = new { key },
            category = "Neglect",
            date = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            summary = "Kommer ofta utan frukost.",
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public async Task<JsonElement> CaseAsync(HttpClient client, string caseId)
    {
        var response = await client.GetAsync($"/api/v1/cases/{caseId}", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await CaseWorkHost.ReadAsync<JsonElement>(response);
    }

    /// <summary>Posts and expects <paramref name="status"/>; answers the receipt's <c>id</c> (an action or meeting id) when there is one.</summary>
    public static async Task<string?> PostAsync(HttpClient client, string path, object body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync(path, body, CaseWorkHost.Json, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, $"{path}: {text}");
        return status == HttpStatusCode.OK && text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
    }

    public static async Task PutJsonAsync(HttpClient client, string path, object body, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await client.PutAsJsonAsync(path, body, CaseWorkHost.Json, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, $"{path}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    public Task<long> AlertsAsync(string staff, string kind) =>
        host.ScalarAsync("select count(*) from coord_alerts where staff_id = $1 and kind = $2", staff, kind);

    /// <summary>Advances the manual clock and waits until every timer due by then has fired and been processed.</summary>
    public async Task AdvanceToAsync(DateTimeOffset to)
    {
        if (to > host.Time.GetUtcNow())
        {
            host.Time.SetUtcNow(to);
        }

        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from actor_grain_timers where due_at <= $1", host.Time.GetUtcNow()) == 0
                && await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0,
            $"timers due by {to:O} fired and processed");
    }

    private Task PutTeamAsync(string id, string agency, string organisation, params (string Staff, string Role)[] members) =>
        PutAsync($"/api/v1/teams/{id}", new
        {
            id, name = id, agency, organisation, municipality = Municipality,
            members = members.Select(m => new { staff = m.Staff, role = m.Role }).ToArray(),
        });

    private async Task PutAsync(string path, object body)
    {
        var response = await Feed.PutAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }
}
