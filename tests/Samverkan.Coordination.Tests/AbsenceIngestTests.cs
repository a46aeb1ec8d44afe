using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Testing;

namespace Samverkan.Coordination.Tests;

/// <summary>Honest answers of the absence ingest: sizes, repeats inside a request, stale corrections, minutes, dates and field names.</summary>
public sealed class AbsenceIngestTests(PostgresServerFixture postgres)
{
    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term.
    private static readonly DateTimeOffset Monday = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveThousandRealisticItems_AreAccepted_FiveThousandAndOneGet422_AndABodyOverTheLimitGets413()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();

        // A school with a GUID id, 50 pupils with keys as long as derived ones, 100 lessons each: GUIDs for source and calendar event ids.
        var school = Guid.NewGuid().ToString();
        (await scenario.Feed.PutAsJsonAsync($"/api/v1/schools/{school}", new
        {
            id = school, name = "Granskolan", municipality = Scenario.Municipality, kind = "Compulsory", organisation = Scenario.SchoolOrganisation,
        }, Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var pupils = Enumerable.Range(0, 50).Select(i => "c_" + Base32(Guid.NewGuid()) + "abcdefghijklmnopqrst").ToArray();
        var roster = await scenario.Feed.PostAsJsonAsync("/api/v1/roster/batch", new
        {
            children = pupils.Select(key => new { child = new { key }, homeMunicipality = Scenario.Municipality, enrolments = new[] { new { school, from = "2025-08-18" } } }),
        }, Token);
        roster.StatusCode.ShouldBe(HttpStatusCode.OK, await roster.Content.ReadAsStringAsync(Token));
        var days = SchoolCalendar.SwedishDefault(new MunicipalityCode(Scenario.Municipality), 2024, 2026).LastSchoolDays(new DateOnly(2026, 3, 20), 20);
        var items = pupils.SelectMany(key => days.SelectMany(day => Enumerable.Range(0, 5).Select(_ => RealisticItem(key, school, day)))).ToList();
        items.Count.ShouldBe(5000);

        var body = JsonSerializer.Serialize(new { items }, ApiTestHost.Json);
        Encoding.UTF8.GetByteCount(body).ShouldBeGreaterThan(1024 * 1024, "over the general body limit");
        var accepted = await PostAsync(scenario.Feed, "/api/v1/absences/batch", body);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(Token));
        (await CoordinationHost.ReadAsync<JsonElement>(accepted)).GetProperty("accepted").GetInt32().ShouldBe(5000);

        var tooMany = await PostAsync(scenario.Feed, "/api/v1/absences/batch", JsonSerializer.Serialize(new { items = items.Append(RealisticItem(pupils[0], school, days[0])) }, ApiTestHost.Json));
        tooMany.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await CoordinationHost.ReadAsync<JsonElement>(tooMany);
        problem.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain("5000");
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("items");

        var oversized = await PostAsync(scenario.Feed, "/api/v1/absences/batch", "{\"items\": [], \"padding\": \"" + new string('x', 4_000_000) + "\"}");
        oversized.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        oversized.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        // The single-item endpoint keeps the general limit.
        var single = await PostAsync(scenario.Feed, "/api/v1/absences", "{\"padding\": \"" + new string('x', 1024 * 1024) + "\"}");
        single.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnIdenticalItemTwice_IsCountedOnce_AndTwoVersionsOfOneSourceId_AreRefusedNamingBothIndexes()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var item = Item("a1", attendance: 300);

        var twice = await scenario.PostAbsencesAsync([item, Item("a2", attendance: 300), item]);

        twice.StatusCode.ShouldBe(HttpStatusCode.Accepted, await twice.Content.ReadAsStringAsync(Token));
        var receipt = await CoordinationHost.ReadAsync<JsonElement>(twice);
        receipt.GetProperty("accepted").GetInt32().ShouldBe(2);
        receipt.GetProperty("duplicates").GetInt32().ShouldBe(1);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "the registrations processed");
        (await host.ScalarAsync(
            "select sum(jsonb_array_length(d -> 'e')) from actor_grain_state, jsonb_array_elements(state -> 'absence' -> 'days') d where actor_type = 'child' and actor_key = $1",
            Pupil)).ShouldBe(2, "the repeat was sent once");

        var conflicting = await scenario.PostAbsencesAsync([Item("b1", attendance: 300), Item("b2", attendance: 300), Item("b1", valid: 300)]);

        conflicting.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var errors = (await CoordinationHost.ReadAsync<JsonElement>(conflicting)).GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("index").GetInt32()).ShouldBe([0, 2], ignoreOrder: true);
        errors.ShouldAllBe(e => e.GetProperty("code").GetString() == "ConflictingVersionsInRequest" && e.GetProperty("sourceId").GetString() == "b1");
        errors.ShouldAllBe(e => e.GetProperty("message").GetString()!.Contains("Items 0 and 2"));
    }

    [Fact]
    public async Task ACorrectionThatIsNotNewer_IsAnsweredStale_AndChangesNothing()
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var reported = Monday.AddHours(-2);
        (await scenario.PostAbsencesAsync([Item("a1", attendance: 300, reported: reported)])).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "the registration processed");
        var version = await host.ScalarAsync("select version from actor_grain_state where actor_type = 'child' and actor_key = $1", Pupil);

        var sameTime = await scenario.PostAbsencesAsync([Item("a1", valid: 300, reported: reported)]);
        var older = await scenario.PostAbsencesAsync([Item("a2", attendance: 300), Item("a1", valid: 300, reported: reported.AddMinutes(-1))]);

        foreach (var (response, index) in new[] { (sameTime, 0), (older, 1) })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Token));
            var receipt = await CoordinationHost.ReadAsync<JsonElement>(response);
            receipt.GetProperty("stale").GetInt32().ShouldBe(1);
            var stale = receipt.GetProperty("staleItems").EnumerateArray().Single();
            stale.GetProperty("index").GetInt32().ShouldBe(index);
            stale.GetProperty("sourceId").GetString().ShouldBe("a1");
            receipt.GetProperty("accepted").GetInt32().ShouldBe(index, "only the new item a2 was stored");
        }

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "a2 processed");
        (await host.ScalarAsync("select version from actor_grain_state where actor_type = 'child' and actor_key = $1", Pupil)).ShouldBe(version + 1, "only a2 changed the child");
        var replay = await CoordinationHost.ReadAsync<JsonElement>(await scenario.PostAbsencesAsync([Item("a1", attendance: 300, reported: reported)]));
        (replay.GetProperty("accepted").GetInt32(), replay.GetProperty("duplicates").GetInt32(), replay.GetProperty("stale").GetInt32()).ShouldBe((0, 1, 0));
        var newer = await CoordinationHost.ReadAsync<JsonElement>(await scenario.PostAbsencesAsync([Item("a1", valid: 300, reported: reported.AddMinutes(1))]));
        (newer.GetProperty("accepted").GetInt32(), newer.GetProperty("stale").GetInt32()).ShouldBe((1, 0));
    }

    public static TheoryData<string, object, string, string> RefusedItems => new()
    {
        { "negative attendance", Item("m1", attendance: -1, valid: 301), "attendanceMinutes", "Negative" },
        { "negative valid absence", Item("m2", attendance: 301, valid: -1), "validAbsenceMinutes", "Negative" },
        { "negative invalid absence", Item("m3", attendance: 301, invalid: -1), "invalidAbsenceMinutes", "Negative" },
        { "negative other attendance", Item("m4", attendance: 301, other: -1), "otherAttendanceMinutes", "Negative" },
        { "minutes short of the offered time", Item("m5", attendance: 200, valid: 50), "offeredMinutes", "MinutesBelowOffered" },
        { "minutes over the offered time", Item("m6", attendance: 300, other: 10), "offeredMinutes", "MinutesExceedOffered" },
        { "no reported timestamp", Item("m7", attendance: 300, reported: DateTimeOffset.MinValue), "reportedTimestamp", "Required" },
        { "reported in the future", Item("m8", attendance: 300, reported: Monday.AddHours(1)), "reportedTimestamp", "InFuture" },
        { "dated 1800", Item("d1", attendance: 300, date: "1800-01-01"), "date", "OutsideCorrectionHorizon" },
        { "dated before the correction horizon", Item("d2", attendance: 300, date: "2026-02-08"), "date", "OutsideCorrectionHorizon" },
        { "dated tomorrow", Item("d3", attendance: 300, date: "2026-03-24"), "date", "InFuture" },
    };

    [Theory]
    [MemberData(nameof(RefusedItems))]
    public async Task ARefusedItem_NamesTheFieldTheClientSent(string because, object item, string field, string code)
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);

        var response = await scenario.Feed.PostAsJsonAsync("/api/v1/absences", item, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, because);
        var errors = (await CoordinationHost.ReadAsync<JsonElement>(response)).GetProperty("errors").EnumerateArray().ToList();
        errors.ShouldContain(e => e.GetProperty("field").GetString() == field && e.GetProperty("code").GetString() == code, because);
        errors.ShouldNotContain(e => new[] { "attendedMinutes", "excusedMinutes", "unexcusedMinutes", "otherMinutes", "reportedAt" }.Contains(e.GetProperty("field").GetString()));
        (await host.ScalarAsync("select count(*) from actor_grain_outbox where kind = 'child.register-absences.v1'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("1800-01-01", "TooOld")]
    [InlineData("2024-03-22", "TooOld")]
    [InlineData("2026-03-24", "InFuture")]
    public async Task AConcernWithADateThatCannotBeRight_IsRefusedWith422(string date, string code)
    {
        await using var host = await CoordinationHost.StartAsync(postgres, Monday);
        var scenario = new Scenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);

        var report = await scenario.Counsellor.PostAsJsonAsync("/api/v1/concerns", new
        {
            id = "oro-1", child = new { key = Pupil }, category = "Neglect", date, summary = "Kommer ofta utan frukost.",
        }, Token);

        report.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await report.Content.ReadAsStringAsync(Token));
        (await CoordinationHost.ReadAsync<JsonElement>(report)).GetProperty("errors").EnumerateArray()
            .ShouldContain(e => e.GetProperty("field").GetString() == "date" && e.GetProperty("code").GetString() == code);
        (await host.ScalarAsync("select count(*) from coord_concerns")).ShouldBe(0);
    }

    /// <summary>A whole-day registration of <see cref="Pupil"/> at the scenario's school on Friday 20 March (300 minutes offered).</summary>
    private static object Item(
        string sourceId, int attendance = 0, int valid = 0, int invalid = 0, int other = 0, DateTimeOffset? reported = null, string date = "2026-03-20") => new
    {
        source = "skolsystem",
        sourceId,
        pupil = new { key = Pupil },
        school = Scenario.School,
        date,
        offeredMinutes = 300,
        attendanceMinutes = attendance,
        validAbsenceMinutes = valid,
        invalidAbsenceMinutes = invalid,
        otherAttendanceMinutes = other,
        reportedTimestamp = reported == DateTimeOffset.MinValue ? (DateTimeOffset?)null : reported ?? Monday.AddHours(-1),
    };

    /// <summary>A lesson as a school system sends it: GUID ids, a late arrival and some absence, a timestamp with offset and fractions.</summary>
    private static object RealisticItem(string key, string school, DateOnly day) => new
    {
        source = "skola24:2081-tallskolan",
        sourceId = Guid.NewGuid().ToString(),
        pupil = new { key },
        school,
        date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        calendarEventId = Guid.NewGuid().ToString(),
        offeredMinutes = 60,
        attendanceMinutes = 45,
        validAbsenceMinutes = 10,
        invalidAbsenceMinutes = 5,
        otherAttendanceMinutes = 0,
        reportedTimestamp = new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 30)), TimeSpan.FromHours(1)).AddTicks(1234567),
    };

    private static string Base32(Guid guid) =>
        new([.. guid.ToString("N").Select(c => c switch { '0' => 'w', '1' => 'x', '8' => 'y', '9' => 'z', _ => c })]);

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Token);
}
