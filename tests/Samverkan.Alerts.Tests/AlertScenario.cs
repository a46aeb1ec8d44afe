using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;

namespace Samverkan.Alerts.Tests;

/// <summary>
/// A small municipality set up through the roster API: one school with its student-health team and two social-services
/// contact persons, and the people the tests act as.
/// </summary>
internal sealed class AlertScenario(AlertsHost host)
{
    public const string Municipality = "1280";
    public const string School = "s-tallskolan";
    public const string SchoolOrganisation = "org-1280-skola";
    public const string SocialOrganisation = "org-1280-soc";
    public const string HealthTeam = "t-tall-eht";
    public const string SocialTeam = "t-1280-soc";

    public HttpClient Feed { get; } = host.ClientWithToken(host.Tokens.Feed("skolsystem", SchoolOrganisation, Municipality, "School"));

    public HttpClient Counsellor { get; } = host.ClientWithToken(host.Tokens.Person("karin", SchoolOrganisation, Municipality, "School", "Counsellor"));

    public HttpClient Principal { get; } = host.ClientWithToken(host.Tokens.Person("anna", SchoolOrganisation, Municipality, "School", "Principal"));

    public HttpClient Manager { get; } = host.ClientWithToken(host.Tokens.Person("maria", SchoolOrganisation, Municipality, "School", "Manager"));

    public HttpClient SecondContact { get; } = host.ClientWithToken(host.Tokens.Person("ahmed", SocialOrganisation, Municipality, "SocialServices", "SocialWorker"));

    public HttpClient SocialWorker { get; } = host.ClientWithToken(host.Tokens.Person("sofia", SocialOrganisation, Municipality, "SocialServices", "SocialWorker"));

    public HttpClient OtherMunicipality { get; } = host.ClientWithToken(host.Tokens.Person("olle", "org-0180-skola", "0180", "School", "Counsellor"));

    public async Task SetUpAsync()
    {
        await PutAsync($"/api/v1/municipalities/{Municipality}", new { name = "Testkommun", regionCode = "12" });
        // Maria manages the school's staff: alerts to Anna or Karin left unacknowledged escalate to her (and to Ahmed,
        // the school's second social-services contact person).
        foreach (var (id, org, agency, role, manager) in new[]
                 {
                     ("maria", SchoolOrganisation, "School", "Manager", (string?)null),
                     ("anna", SchoolOrganisation, "School", "Principal", "maria"), ("karin", SchoolOrganisation, "School", "Counsellor", "maria"),
                     ("sofia", SocialOrganisation, "SocialServices", "SocialWorker", null), ("ahmed", SocialOrganisation, "SocialServices", "SocialWorker", null),
                 })
        {
            await PutAsync($"/api/v1/staff/{id}", new { id, displayName = id, organisation = org, agency, roles = new[] { role }, manager });
        }

        await PutAsync($"/api/v1/teams/{HealthTeam}", new
        {
            id = HealthTeam, name = "EHT Tallskolan", agency = "School", organisation = SchoolOrganisation, municipality = Municipality,
            members = new[] { new { staff = "anna", role = "Principal" }, new { staff = "karin", role = "Counsellor" } },
        });
        await PutAsync($"/api/v1/teams/{SocialTeam}", new
        {
            id = SocialTeam, name = "Socialtjänsten", agency = "SocialServices", organisation = SocialOrganisation, municipality = Municipality,
            members = new[] { new { staff = "sofia", role = "SocialWorker" }, new { staff = "ahmed", role = "SocialWorker" } },
        });
        await PutAsync($"/api/v1/schools/{School}", new
        {
            id = School, name = "Tallskolan", municipality = Municipality, kind = "Compulsory", organisation = SchoolOrganisation,
            studentHealthTeam = HealthTeam,
            socialServices = new { organisation = SocialOrganisation, team = SocialTeam, contactPersons = new[] { "sofia", "ahmed" } },
        });
    }

    /// <summary>Replaces the members of the school's student-health team (staff id, role).</summary>
    public Task SetHealthTeamMembersAsync(params (string Staff, string Role)[] members) =>
        PutAsync($"/api/v1/teams/{HealthTeam}", new
        {
            id = HealthTeam, name = "EHT Tallskolan", agency = "School", organisation = SchoolOrganisation, municipality = Municipality,
            members = members.Select(m => new { staff = m.Staff, role = m.Role }).ToArray(),
        });

    /// <summary>Enrols a child (by key) at the school from the start of the school year, with the principal as named person.</summary>
    public async Task<string> EnrolAsync(string key)
    {
        var response = await Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { key },
            homeMunicipality = Municipality,
            enrolments = new[] { new { school = School, from = "2025-08-18" } },
            namedPerson = new { staff = "anna", agency = "School" },
        }, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await AlertsHost.ReadAsync<JsonElement>(response)).GetProperty("key").GetString()!;
    }

    /// <summary>The last <paramref name="days"/> school days before today, a registration each; the pupil is away the whole day on <paramref name="absentDays"/> of them.</summary>
    public object[] Registrations(string key, int days, int absentDays, string source = "skolsystem", bool unexcused = false)
    {
        var calendar = SchoolCalendar.SwedishDefault(new MunicipalityCode(Municipality), 2024, 2026);
        var today = SwedishTime.DateOf(host.Time.GetUtcNow());
        var schoolDays = calendar.LastSchoolDays(today.AddDays(-1), days);
        return [.. schoolDays.Select((day, i) =>
        {
            var absent = i >= schoolDays.Length - absentDays;
            return (object)new
            {
                source,
                sourceId = $"{key}-{day:yyyyMMdd}",
                pupil = new { key },
                school = School,
                date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                offeredMinutes = 300,
                attendanceMinutes = absent ? 0 : 300,
                validAbsenceMinutes = absent && !unexcused ? 300 : 0,
                invalidAbsenceMinutes = absent && unexcused ? 300 : 0,
                otherAttendanceMinutes = 0,
                reportedTimestamp = host.Time.GetUtcNow().AddHours(-1),
            };
        })];
    }

    public Task<HttpResponseMessage> PostAbsencesAsync(object[] items) =>
        Feed.PostAsJsonAsync("/api/v1/absences/batch", new { items }, TestContext.Current.CancellationToken);

    public async Task<JsonElement> CasesAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync($"/api/v1/cases{query}", TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return await AlertsHost.ReadAsync<JsonElement>(response);
    }

    private async Task PutAsync(string path, object body)
    {
        var response = await Feed.PutAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }
}
