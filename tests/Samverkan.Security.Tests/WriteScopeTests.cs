using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>
/// The live world of <see cref="LiveWorld"/> (1280) and its neighbour 0180, with Skatteverket test numbers accepted, for the
/// write-path isolation of issue 13: each test uses its own children and staff, so they share one host.
/// </summary>
public sealed class WriteScopeFixture(PostgresServerFixture postgres) : IAsyncLifetime
{
    public const string OtherChild = "c_writescopeotheraaaa";

    /// <summary>Test numbers (Skatteverket's series): one of a child enrolled in 1280, one of a child no one has registered.</summary>
    public const string EnrolledNumber = "201408152393";
    public const string UnknownNumber = "201512242395";

    private readonly string _numbers = Path.Combine(Path.GetTempPath(), $"samverkan-test-numbers-{Guid.NewGuid():N}.txt");

    internal LiveHost Host { get; private set; } = null!;

    internal LiveWorld World { get; private set; } = null!;

    /// <summary>The key of the child <see cref="EnrolledNumber"/> names (enrolled at Skyddsskolan).</summary>
    public string EnrolledKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        await File.WriteAllLinesAsync(_numbers, [EnrolledNumber, UnknownNumber], Http.Token);
        Host = await LiveHost.StartAsync(postgres, new Dictionary<string, string?> { ["Samverkan:Identity:TestNumbersFile"] = _numbers });
        World = new LiveWorld(Host);
        await World.SetUpAsync();
        await World.SetUpOtherMunicipalityAsync(OtherChild);
        var enrolled = await World.Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { personalIdentityNumber = EnrolledNumber },
            homeMunicipality = LiveWorld.Municipality,
            enrolments = new[] { new { school = LiveWorld.ProtectedSchool, from = "2025-08-18" } },
        }, Http.Token);
        enrolled.StatusCode.ShouldBe(HttpStatusCode.OK, await enrolled.Content.ReadAsStringAsync(Http.Token));
        EnrolledKey = (await enrolled.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        File.Delete(_numbers);
    }
}

/// <summary>
/// Every write is checked as strictly as the reads (issue 13): a school system, staff member or administrator of one
/// municipality never changes what happens to another's children, and a refusal looks like a miss.
/// </summary>
public sealed class WriteScopeTests(WriteScopeFixture fixture) : IClassFixture<WriteScopeFixture>
{
    private static readonly TestPerson Feed0180 = new("skolsystem-0180", "org-0180-skola", "0180", "School", [], "01", Samverkan.Host.Security.SamverkanClaims.IngestScope);
    private static readonly TestPerson Admin0180 = new("oskar", "org-0180-skola", "0180", "School", ["Administrator"], "01");
    private static readonly TestPerson Admin1280 = new("wanda", LiveWorld.SchoolOrg, LiveWorld.Municipality, "School", ["Administrator"], "12");

    private LiveHost Host => fixture.Host;

    [Fact]
    public async Task AFeed_IngestsOnlyForItsOwnOrganisationsSchools_AndAForeignCopyOfARegistrationIsNotReportedAsADuplicate()
    {
        var child = "c_writescopeabsenceaa";
        await fixture.World.EnrolAsync(child, LiveWorld.ProtectedSchool, namedPerson: null);
        var item = Absence(child, LiveWorld.ProtectedSchool, "ws-absence-1");

        using var foreign = Host.As(Feed0180);
        var refused = await foreign.PostAsJsonAsync("/api/v1/absences", item, Http.Token);
        await ShouldBeUnknownSchoolAsync(refused);

        using var otherOrganiser = Host.As(LiveWorld.OtherSchoolFeed);
        await ShouldBeUnknownSchoolAsync(await otherOrganiser.PostAsJsonAsync("/api/v1/absences", item, Http.Token));

        var stored = await fixture.World.Feed.PostAsJsonAsync("/api/v1/absences", item, Http.Token);
        stored.StatusCode.ShouldBe(HttpStatusCode.Accepted, await stored.Content.ReadAsStringAsync(Http.Token));

        // A copy of the stored registration from the foreign feed: the same refusal as before, nothing about the copy.
        var copy = await foreign.PostAsJsonAsync("/api/v1/absences/batch", new { items = new[] { item } }, Http.Token);
        await ShouldBeUnknownSchoolAsync(copy);
        (await copy.Content.ReadAsStringAsync(Http.Token)).ShouldNotContain("duplicate", Case.Insensitive);
    }

    [Fact]
    public async Task AConcernByKey_NeedsARelation_AndIsRefusedAsForAChildThatDoesNotExist()
    {
        var child = "c_writescopeconcernaa";
        await fixture.World.EnrolAsync(child, LiveWorld.OtherSchool, namedPerson: null);

        using var olle = Host.As(LiveWorld.OtherMunicipality);
        using var karin = Host.As(LiveWorld.Counsellor);
        var foreign = await olle.PostAsJsonAsync("/api/v1/concerns", Concern(new { key = child }), Http.Token);
        var unrelated = await karin.PostAsJsonAsync("/api/v1/concerns", Concern(new { key = child }), Http.Token);
        var missing = await karin.PostAsJsonAsync("/api/v1/concerns", Concern(new { key = "c_writescopenosuchaaa" }), Http.Token);

        foreach (var response in new[] { foreign, unrelated, missing })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, await response.Content.ReadAsStringAsync(Http.Token));
        }

        (await ProblemTitleAsync(foreign)).ShouldBe(await ProblemTitleAsync(missing));
        (await Host.ScalarAsync("select count(*) from coord_concerns where child_key = $1", child)).ShouldBe(0);
        (await Host.ScalarAsync("select count(*) from actor_grain_state where actor_key = $1 and state -> 'concerns' <> '[]'::jsonb", child)).ShouldBe(0);

        // Nora, of Björkskolan's student-health team, is related: her report is taken.
        using var nora = Host.As(LiveWorld.OtherSchoolNurse);
        var related = await nora.PostAsJsonAsync("/api/v1/concerns", Concern(new { key = child }), Http.Token);
        related.StatusCode.ShouldBe(HttpStatusCode.Created, await related.Content.ReadAsStringAsync(Http.Token));
    }

    [Fact]
    public async Task AConcernByIdentityNumber_IsTakenFromAnyReporter_RoutedToTheChildsMunicipality_AndTellsNothingOfTheChild()
    {
        using var olle = Host.As(LiveWorld.OtherMunicipality);
        var known = await olle.PostAsJsonAsync("/api/v1/concerns", Concern(new { personalIdentityNumber = WriteScopeFixture.EnrolledNumber }), Http.Token);
        var unknown = await olle.PostAsJsonAsync("/api/v1/concerns", Concern(new { personalIdentityNumber = WriteScopeFixture.UnknownNumber }), Http.Token);
        known.StatusCode.ShouldBe(HttpStatusCode.Created, await known.Content.ReadAsStringAsync(Http.Token));
        unknown.StatusCode.ShouldBe(HttpStatusCode.Created, await unknown.Content.ReadAsStringAsync(Http.Token));
        Keys(await known.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).ShouldBe(Keys(await unknown.Content.ReadFromJsonAsync<JsonElement>(Http.Token)));

        // The known child's concern is 1280's to decide on (its school's social services), not the reporter's municipality's.
        await LiveHost.WaitUntilAsync(
            async () => await Host.ScalarAsync("select count(*) from coord_concerns where child_key = $1", fixture.EnrolledKey) == 1, "the concern");
        (await Host.ScalarAsync(
            "select count(*) from coord_concerns where child_key = $1 and municipality = $2 and reporting_org = 'org-0180-skola'",
            fixture.EnrolledKey, LiveWorld.Municipality)).ShouldBe(1);

        // The reporter still sees nothing of the child.
        var overview = await olle.GetAsync($"/api/v1/children/{fixture.EnrolledKey}/overview", Http.Token);
        overview.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Enrolment_StaysInsideTheCallersMunicipality_AndAnotherMunicipalityChangesOnlyItsOwnSchoolsEnrolments()
    {
        var child = "c_writescopeenrolaaaa";
        using var foreignAdmin = Host.As(Admin0180);
        using var foreignFeed = Host.As(Feed0180);
        using var admin = Host.As(Admin1280);

        // Another municipality's administrator or system cannot enrol anyone into a 1280 school, in a batch neither.
        foreach (var client in new[] { foreignAdmin, foreignFeed })
        {
            var into = await client.PostAsJsonAsync("/api/v1/children", Child(child, "0180", LiveWorld.ProtectedSchool), Http.Token);
            into.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await into.Content.ReadAsStringAsync(Http.Token));
        }

        var inBatch = await foreignAdmin.PostAsJsonAsync("/api/v1/roster/batch", new { children = new[] { Child(child, "0180", LiveWorld.ProtectedSchool) } }, Http.Token);
        (await inBatch.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("items")[0].GetProperty("code").GetString()
            .ShouldBe(Samverkan.Host.Security.WriteScope.OtherMunicipalityCode);
        (await Host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1", child)).ShouldBe(0);

        // 1280's child, with its named person, also goes to 0180's school (it lives in 1280): 0180 writes that enrolment...
        (await admin.PostAsJsonAsync("/api/v1/children", Child(child, LiveWorld.Municipality, LiveWorld.ProtectedSchool, namedPerson: "anna"), Http.Token))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var there = await foreignFeed.PostAsJsonAsync("/api/v1/children", Child(child, "0180", "s-0180", "2026-01-07", namedPerson: "olle"), Http.Token);
        there.StatusCode.ShouldBe(HttpStatusCode.OK, await there.Content.ReadAsStringAsync(Http.Token));
        await LiveHost.WaitUntilAsync(
            async () => await Host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1 and school_id = 's-0180'", child) == 1, "0180's enrolment");

        // ... and nothing else: the child is still 1280's, with 1280's enrolment and named person.
        (await Host.ScalarAsync("select count(*) from coord_children where child_key = $1 and municipality = $2 and named_person = 'anna'", child, LiveWorld.Municipality))
            .ShouldBe(1);
        (await Host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1 and school_id = $2", child, LiveWorld.ProtectedSchool)).ShouldBe(1);

        // 1280's next write of the child, naming only its own school, leaves 0180's enrolment as it is.
        (await admin.PostAsJsonAsync("/api/v1/children", Child(child, LiveWorld.Municipality, LiveWorld.ProtectedSchool, namedPerson: "anna"), Http.Token))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await LiveHost.WaitUntilAsync(async () => await Host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "all messages processed");
        (await Host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1", child)).ShouldBe(2);
    }

    [Fact]
    public async Task Staff_AreWrittenAndDeactivatedByTheirOwnMunicipalityOnly()
    {
        await fixture.World.PutStaffAsync("ws-teacher", LiveWorld.SchoolOrg, "School", "Teacher");
        using var foreignAdmin = Host.As(Admin0180);
        using var foreignFeed = Host.As(Feed0180);
        var hijack = new { id = "ws-teacher", displayName = "ws-teacher", organisation = "org-0180-skola", agency = "School", roles = new[] { "Principal" } };
        (await foreignAdmin.PutAsJsonAsync("/api/v1/staff/ws-teacher", hijack, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await foreignFeed.PutAsJsonAsync("/api/v1/staff/ws-teacher", hijack with { }, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var deactivate = await foreignAdmin.PostAsync("/api/v1/staff/ws-teacher/deactivate", null, Http.Token);
        deactivate.StatusCode.ShouldBe(HttpStatusCode.NotFound, "another municipality's staff member is answered as one who does not exist");
        var roster = await foreignFeed.PostAsJsonAsync("/api/v1/roster/batch", new { staff = new[] { hijack } }, Http.Token);
        (await roster.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("items")[0].GetProperty("code").GetString()
            .ShouldBe(Samverkan.Host.Security.WriteScope.OtherMunicipalityCode);

        (await Host.ScalarAsync(
            "select count(*) from coord_staff where staff_id = 'ws-teacher' and active and organisation = $1 and doc -> 'roles' = '[\"Teacher\"]'::jsonb",
            LiveWorld.SchoolOrg)).ShouldBe(1);

        // Its own municipality's administrator does both.
        using var admin = Host.As(Admin1280);
        (await admin.PutAsJsonAsync("/api/v1/staff/ws-teacher", hijack with { }, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "not to 0180's organisation");
        (await admin.PostAsync("/api/v1/staff/ws-teacher/deactivate", null, Http.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CaseWork_NamesOnlyStaffOfTheMunicipalityOrRegion_AndOthersAreAnsweredAsNotInTheRoster()
    {
        var child = "c_writescopecaseaaaaa";
        await fixture.World.EnrolAsync(child, LiveWorld.ProtectedSchool);
        var caseId = await fixture.World.OpenAbsenceCaseAsync(child, LiveWorld.ProtectedSchool);
        using var principal = Host.As(LiveWorld.Principal);

        async Task ShouldBeNoSuchStaffAsync(string path, object body)
        {
            var response = await principal.PostAsJsonAsync(path, body, Http.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{path}: {await response.Content.ReadAsStringAsync(Http.Token)}");
            (await response.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("code").GetString().ShouldBe("StaffNotFound");
        }

        await ShouldBeNoSuchStaffAsync($"/api/v1/cases/{caseId}/lead", new { staff = "olle" });
        await ShouldBeNoSuchStaffAsync($"/api/v1/cases/{caseId}/lead", new { staff = "nobody-at-all" });
        await ShouldBeNoSuchStaffAsync($"/api/v1/cases/{caseId}/handover", new { from = "anna", to = "olle" });
        await ShouldBeNoSuchStaffAsync($"/api/v1/cases/{caseId}/plan/actions", new
        {
            what = "Synthetic", dueOn = "2026-05-29", organisation = "org-0180-skola", agency = "School", owner = "olle",
        });
        await ShouldBeNoSuchStaffAsync($"/api/v1/children/{child}/sip", new
        {
            consent = new
            {
                id = "ws-sip-consent",
                givenBy = new[] { new { kind = "Guardian", guardian = "guardian-ref-1" } },
                recipients = new[] { LiveWorld.SchoolOrg },
                categories = new[] { "Attendance" },
                purpose = "Synthetic",
            },
            participants = new[] { "karin", "olle" },
        });
        (await Host.ScalarAsync("select count(*) from coord_cases where child_key = $1 and 'olle' = any (staff)", child)).ShouldBe(0);

        // The municipality's own staff are named as before.
        var lead = await principal.PostAsJsonAsync($"/api/v1/cases/{caseId}/lead", new { staff = "karin" }, Http.Token);
        lead.StatusCode.ShouldBe(HttpStatusCode.OK, await lead.Content.ReadAsStringAsync(Http.Token));
    }

    private static object Absence(string key, string school, string sourceId) => new
    {
        source = "ws",
        sourceId,
        pupil = new { key },
        school,
        date = "2026-03-16",
        offeredMinutes = 300,
        attendanceMinutes = 240,
        validAbsenceMinutes = 0,
        invalidAbsenceMinutes = 60,
        otherAttendanceMinutes = 0,
        reportedTimestamp = LiveHost.Monday.AddHours(-1),
    };

    private static object Concern(object child) => new
    {
        child,
        category = "Neglect",
        date = "2026-03-20",
        summary = "Test concern (synthetic).",
    };

    private static object Child(string key, string home, string school, string from = "2025-08-18", string? namedPerson = null) => new
    {
        child = new { key },
        homeMunicipality = home,
        enrolments = new[] { new { school, from } },
        namedPerson = namedPerson is null ? null : new { staff = namedPerson, agency = "School" },
    };

    private static async Task ShouldBeUnknownSchoolAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Http.Token);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body);
        JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetProperty("code").GetString().ShouldBe("UnknownSchool");
    }

    private static async Task<string?> ProblemTitleAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Http.Token)).GetProperty("title").GetString();

    private static string[] Keys(JsonElement receipt) => [.. receipt.EnumerateObject().Select(p => p.Name)];
}
