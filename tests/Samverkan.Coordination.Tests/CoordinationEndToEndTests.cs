using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>The coordination core over HTTP into the real host, with real PostgreSQL and a manual clock.</summary>
public sealed class CoordinationEndToEndTests(PostgresServerFixture postgres)
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term, after the winter break.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";

    [Fact]
    public async Task PupilCrossingTwentyPercentOverFourWeeks_GetsExactlyOneCase_WithTheSchoolTeamAndNamedPerson()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);

        // 5 whole days away of the last 20 school days: 25 %.
        var response = await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 5));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await CoordinationHost.ReadAsync<JsonElement>(response)).GetProperty("accepted").GetInt32().ShouldBe(20);

        await host.WaitUntilAsync(async () => (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("total").GetInt64() == 1, "a case");
        var listed = (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("items")[0];
        listed.GetProperty("kind").GetString().ShouldBe("AbsenceFollowUp");
        listed.GetProperty("childKey").GetString().ShouldBe(Pupil);
        listed.GetProperty("status").GetString().ShouldBe("Open");

        var caseResponse = await scenario.Counsellor.GetAsync($"/api/v1/cases/{listed.GetProperty("caseId").GetString()}", TestContext.Current.CancellationToken);
        caseResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        var participants = (await CoordinationHost.ReadAsync<JsonElement>(caseResponse)).GetProperty("participants").EnumerateArray().ToList();
        participants.ShouldContain(p => p.GetProperty("who").GetProperty("team").GetString() == Scenario.HealthTeam);
        participants.ShouldContain(p => p.GetProperty("who").GetProperty("staff").GetString() == "anna");
        participants.ShouldNotContain(p => p.GetProperty("agency").GetString() == "SocialServices", "no legal basis or consent lets social services in");

        // The acknowledgement deadline is a durable timer; the counsellor's team is alerted.
        (await host.ScalarAsync("select count(*) from actor_grain_timers where actor_type = 'case' and name = 'ack-deadline'")).ShouldBe(1);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_alerts where staff_id = 'karin'") >= 1, "the counsellor's alert");
    }

    [Fact]
    public async Task ReplayingTheWholeFeed_ChangesNothing()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var feed = scenario.Registrations(Pupil, days: 20, absentDays: 6);
        (await scenario.PostAbsencesAsync(feed)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases") == 1, "the case");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "every grain's outbox delivered");
        var stateBefore = await host.ScalarAsync("select sum(version) from actor_grain_state");
        var alertsBefore = await host.ScalarAsync("select count(*) from coord_alerts");

        var replay = await scenario.PostAbsencesAsync(feed);

        replay.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var receipt = await CoordinationHost.ReadAsync<JsonElement>(replay);
        receipt.GetProperty("accepted").GetInt32().ShouldBe(0);
        receipt.GetProperty("duplicates").GetInt32().ShouldBe(20);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        (await host.ScalarAsync("select count(*) from actor_grain_outbox")).ShouldBe(0);
        (await host.ScalarAsync("select sum(version) from actor_grain_state")).ShouldBe(stateBefore);
        (await host.ScalarAsync("select count(*) from coord_cases")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_alerts")).ShouldBe(alertsBefore);
    }

    [Fact]
    public async Task ConcernWithoutInvestigation_ThenRisingAbsence_OpensACaseWithSocialServices()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday.AddDays(-21));
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);

        var report = await scenario.Counsellor.PostAsJsonAsync("/api/v1/concerns", new
        {
            id = "oro-1",
            child = new { key = Pupil },
            category = "Neglect",
            date = "2026-02-27",
            summary = "Kommer ofta utan frukost och är trött.",
        }, TestContext.Current.CancellationToken);
        report.StatusCode.ShouldBe(HttpStatusCode.Created, await report.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var outcome = await scenario.SocialWorker.PostAsJsonAsync(
            $"/api/v1/children/{Pupil}/concerns/oro-1/outcome", new { decision = "NotOpened" }, TestContext.Current.CancellationToken);
        outcome.StatusCode.ShouldBe(HttpStatusCode.OK, await outcome.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        (await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and watch_until is not null", Pupil)).ShouldBe(1);

        // Three weeks later the pupil's absence rises past the threshold, during the watch.
        host.Time.Advance(TimeSpan.FromDays(21));
        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 6))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1 and 'SocialServices' = any(agencies)", Pupil) == 1,
            "a case with social services");
        var cases = await scenario.CasesAsync(scenario.SocialWorker);
        cases.GetProperty("items").EnumerateArray().ShouldContain(c => c.GetProperty("childKey").GetString() == Pupil);
    }

    [Fact]
    public async Task AbsenceBatch_WithBadItems_IsRefusedWhole_NamingEachItem_AndStoresNothing()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var good = scenario.Registrations(Pupil, days: 3, absentDays: 1);
        var items = good.Concat(
        [
            new { source = "s", sourceId = "x1", pupil = new { key = Pupil }, school = "s-okand", date = "2026-03-20", offeredMinutes = 60, attendanceMinutes = 60, validAbsenceMinutes = 0, invalidAbsenceMinutes = 0, otherAttendanceMinutes = 0, reportedTimestamp = Monday },
            new { source = "s", sourceId = "x2", pupil = new { key = "c_notenrolledchildxyz" }, school = Scenario.School, date = "2026-03-20", offeredMinutes = 60, attendanceMinutes = 60, validAbsenceMinutes = 0, invalidAbsenceMinutes = 0, otherAttendanceMinutes = 0, reportedTimestamp = Monday },
            new { source = "s", sourceId = "x3", pupil = new { key = Pupil }, school = Scenario.School, date = "2026-03-20", offeredMinutes = 60, attendanceMinutes = 50, validAbsenceMinutes = 30, invalidAbsenceMinutes = 0, otherAttendanceMinutes = 0, reportedTimestamp = Monday },
            new { source = "s", sourceId = "x4", pupil = new { key = Pupil }, school = Scenario.School, date = "2026-04-20", offeredMinutes = 60, attendanceMinutes = 60, validAbsenceMinutes = 0, invalidAbsenceMinutes = 0, otherAttendanceMinutes = 0, reportedTimestamp = Monday },
        ]).ToArray();

        var response = await scenario.PostAbsencesAsync(items);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await CoordinationHost.ReadAsync<JsonElement>(response)).GetProperty("errors").EnumerateArray().ToList();
        errors.ShouldContain(e => e.GetProperty("index").GetInt32() == 3 && e.GetProperty("code").GetString() == "UnknownSchool");
        errors.ShouldContain(e => e.GetProperty("index").GetInt32() == 4 && e.GetProperty("code").GetString() == "NotEnrolled");
        errors.ShouldContain(e => e.GetProperty("index").GetInt32() == 5 && e.GetProperty("sourceId").GetString() == "x3");
        errors.ShouldContain(e => e.GetProperty("index").GetInt32() == 6 && e.GetProperty("sourceId").GetString() == "x4");
        errors.ShouldNotContain(e => e.GetProperty("index").GetInt32() < 3);
        (await host.ScalarAsync("select count(*) from actor_grain_outbox where kind = 'child.register-absences.v1'")).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from actor_grain_state where actor_type = 'child' and (state -> 'absence') is not null and state::text like '%x3%'")).ShouldBe(0);
    }

    [Fact]
    public async Task AbsenceApi_RefusesMalformedOversizedAndUnauthenticatedRequests_WithProblemDetails()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        var ct = TestContext.Current.CancellationToken;

        var malformed = await scenario.Feed.PostAsync("/api/v1/absences/batch", new StringContent("{\"items\": [", System.Text.Encoding.UTF8, "application/json"), ct);
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        malformed.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var tooMany = await scenario.PostAbsencesAsync([.. Enumerable.Range(0, 5001).Select(i => (object)new { sourceId = $"i{i}" })]);
        tooMany.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, "a count over the limit is refused input; 413 is for bodies over the byte limit");

        var empty = await scenario.PostAbsencesAsync([]);
        empty.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        var anonymous = await host.CreateClient().PostAsJsonAsync("/api/v1/absences/batch", new { items = Array.Empty<object>() }, ct);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A person is not a feed.
        var person = await scenario.Counsellor.PostAsJsonAsync("/api/v1/absences/batch", new { items = Array.Empty<object>() }, ct);
        person.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PersonalIdentityNumbers_OnlyDeriveTheKey_AndAreNeverStored()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        var ct = TestContext.Current.CancellationToken;
        var number = CoordinationHost.TestNumbers[0];

        async Task<HttpResponseMessage> Enrol(string personalIdentityNumber) => await scenario.Feed.PostAsJsonAsync("/api/v1/children", new
        {
            child = new { personalIdentityNumber },
            homeMunicipality = Scenario.Municipality,
            enrolments = new[] { new { school = Scenario.School, from = "2025-08-18" } },
        }, ct);

        var first = await Enrol(number);
        var again = await Enrol(number[2..8] + "-" + number[8..]);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var key = (await CoordinationHost.ReadAsync<JsonElement>(first)).GetProperty("key").GetString()!;
        (await CoordinationHost.ReadAsync<JsonElement>(again)).GetProperty("key").GetString().ShouldBe(key, "the 10-digit form names the same child");
        key.ShouldStartWith("c_");

        // Outside production only the configured test series is accepted, so no real person lands in a test system.
        var real = await Enrol("201005102387");
        real.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await real.Content.ReadAsStringAsync(ct)).ShouldNotContain("201005102387");
        var invalid = await Enrol("201408152392");
        invalid.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);

        foreach (var digits in new[] { number, number[2..], "201005102387" })
        {
            (await host.ScalarAsync(
                """
                select (select count(*) from orleans_storage where convert_from(payload, 'UTF8') like '%' || $1 || '%')
                     + (select count(*) from actor_grain_outbox where payload::text like '%' || $1 || '%')
                     + (select count(*) from coord_children where child_key like '%' || $1 || '%')
                """, digits)).ShouldBe(0, "an identity number was stored");
        }
    }

    [Fact]
    public async Task RosterBatch_AppliesEachItem_ReportsRefusedOnes_AndIsIdempotent()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        var batch = new
        {
            staff = new[] { new { id = "lars", displayName = "Lars", organisation = Scenario.SchoolOrganisation, agency = "School", roles = new[] { "Teacher" } } },
            schools = new[]
            {
                new { id = "s-bjorkskolan", name = "Björkskolan", municipality = Scenario.Municipality, kind = "Compulsory", organisation = Scenario.SchoolOrganisation },
            },
            children = new object[]
            {
                new { child = new { key = "c_rosterchildonexxxxx" }, homeMunicipality = Scenario.Municipality, enrolments = new[] { new { school = "s-bjorkskolan", from = "2025-08-18" } } },
                new { child = new { key = "not-a-key" }, homeMunicipality = Scenario.Municipality },
            },
        };

        var first = await scenario.Feed.PostAsJsonAsync("/api/v1/roster/batch", batch, TestContext.Current.CancellationToken);
        var again = await scenario.Feed.PostAsJsonAsync("/api/v1/roster/batch", batch, TestContext.Current.CancellationToken);

        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var receipt = await CoordinationHost.ReadAsync<JsonElement>(first);
        receipt.GetProperty("applied").GetInt32().ShouldBe(3);
        receipt.GetProperty("refused").GetInt32().ShouldBe(1);
        receipt.GetProperty("items").EnumerateArray().ShouldContain(i => i.GetProperty("kind").GetString() == "child" && i.GetProperty("index").GetInt32() == 1 && !i.GetProperty("ok").GetBoolean());
        (await CoordinationHost.ReadAsync<JsonElement>(again)).GetProperty("applied").GetInt32().ShouldBe(3);
        (await host.ScalarAsync("select count(*) from coord_enrolments where child_key = 'c_rosterchildonexxxxx' and school_id = 's-bjorkskolan'")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_schools where school_id = 's-bjorkskolan'")).ShouldBe(1);
        (await host.ScalarAsync("select version from coord_schools where school_id = 's-bjorkskolan'")).ShouldBe(1L, "the repeated upsert changed nothing: the school grain's state is at its first version");
    }

    [Fact]
    public async Task Cases_AreInvisibleToAnotherMunicipality_AndToStaffWithoutARelation()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        (await scenario.PostAbsencesAsync(scenario.Registrations(Pupil, days: 20, absentDays: 10))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(async () => (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("total").GetInt64() >= 1, "a case");
        var caseId = (await scenario.CasesAsync(scenario.Counsellor)).GetProperty("items")[0].GetProperty("caseId").GetString();

        (await scenario.CasesAsync(scenario.OtherMunicipality)).GetProperty("total").GetInt64().ShouldBe(0);
        (await scenario.OtherMunicipality.GetAsync($"/api/v1/cases/{caseId}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await scenario.OtherMunicipality.GetAsync($"/api/v1/children/{Pupil}/overview", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var overview = await scenario.Counsellor.GetAsync($"/api/v1/children/{Pupil}/overview", TestContext.Current.CancellationToken);
        overview.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.ScalarAsync("select count(*) from audit_log where child_key = $1 and staff_id = 'karin' and action = 'read'", Pupil))
            .ShouldBeGreaterThanOrEqualTo(1, "every read of a child's data is audited");
        (await host.ScalarAsync("select count(*) from audit_log where child_key = $1 and staff_id = 'olle'", Pupil)).ShouldBe(0);
    }
}
