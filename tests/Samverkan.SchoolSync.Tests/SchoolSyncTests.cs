using System.Net;
using System.Net.Http.Json;
using Samverkan.Testing;

namespace Samverkan.SchoolSync.Tests;

/// <summary>The SS 12000 connector against the double, into the real host on real PostgreSQL.</summary>
public sealed class SchoolSyncTests(PostgresServerFixture postgres)
{
    [Fact]
    public async Task FirstSync_WritesSchoolsTeamStaffChildrenWithProtectedIdentityAndEveryAttendance()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);

        var run = await host.SyncAsync();

        run.Succeeded.ShouldBeTrue(run.Error);
        run.Count("organisations.applied").ShouldBe(2);
        run.Count("persons.applied").ShouldBe(SchoolData.Pupils.Count);
        run.Count("attendances.applied").ShouldBe(SchoolData.AttendanceCount);
        run.Items.Keys.ShouldNotContain(k => k.Contains(".refused", StringComparison.Ordinal), string.Join(", ", run.Items));

        (await host.ScalarAsync("select count(*) from coord_schools where municipality = $1 and organisation = $2", SchoolData.Municipality, SchoolData.Organisation)).ShouldBe(2);
        (await host.TextAsync("select doc ->> 'studentHealthTeam' from coord_schools where school_id = $1", SchoolData.Björkskolan)).ShouldBe("eht-" + SchoolData.Björkskolan);

        // The student-health team: principal, counsellor, nurse, and the teacher with an Elevhälsopersonal assignment; not the other teacher.
        var members = await host.TextAsync("select array_to_string(members, ',') from coord_teams where team_id = $1", "eht-" + SchoolData.Björkskolan);
        members!.Split(',').Order().ShouldBe(new[] { "anna-rektor", "karin-kurator", "lars-larare", "sara-skolskoterska" }.Select(SchoolData.Id).Order());
        (await host.ScalarAsync("select count(*) from coord_staff where organisation = $1 and active", SchoolData.Organisation)).ShouldBe(SchoolData.Duties.Count);
        (await host.TextAsync("select doc -> 'roles' ->> 0 from coord_staff where staff_id = $1", SchoolData.Id("karin-kurator"))).ShouldBe("Counsellor");

        // Children by key only, enrolled (the placement-only pupil too); both marked pupils protected, no one else.
        foreach (var pupil in SchoolData.Pupils)
        {
            var key = host.KeyOf(pupil);
            (await host.ScalarAsync("select count(*) from coord_enrolments where child_key = $1 and to_date is null", key)).ShouldBe(1, pupil.Name);
            var isProtected = await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and protected_identity", key);
            isProtected.ShouldBe(pupil.SecurityMarking is null ? 0 : 1, pupil.Name);
        }

        // The civic numbers are nowhere in the database.
        foreach (var number in SchoolData.TestNumbers)
        {
            (await host.ScalarAsync("select count(*) from orleans_storage where convert_from(payload, 'UTF8') like '%' || $1 || '%'", number)).ShouldBe(0);
            (await host.ScalarAsync("select count(*) from school_sync_pupils where child_key = $1", number)).ShouldBe(0);
        }

        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
        (await host.ScalarAsync("select count(*) from coord_cases")).ShouldBe(0, "2 of 20 school days away is below every threshold");
        source.TokenRequests.ShouldBe(1);
        (await host.TextAsync("select last_error from school_sync_state where source = $1", SchoolSyncHost.SourceName)).ShouldBeNull();
        (await host.ScalarAsync("select count(*) from school_sync_state where source = $1 and last_success is not null", SchoolSyncHost.SourceName)).ShouldBe(1);
    }

    [Fact]
    public async Task IncrementalSync_PullsOnlyWhatChanged_AndAReplayChangesNothing()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);
        (await host.SyncAsync()).Succeeded.ShouldBeTrue();

        // Nothing changed: nothing pulled, every listing asked from its watermark.
        source.Requests.Clear();
        var quiet = await host.SyncAsync();
        quiet.Succeeded.ShouldBeTrue(quiet.Error);
        quiet.Items.Where(i => i.Key.EndsWith(".pulled", StringComparison.Ordinal)).Sum(i => i.Value).ShouldBe(0, string.Join(", ", quiet.Items));
        source.Requests.Where(r => r.Contains("/attendances?", StringComparison.Ordinal)).ShouldAllBe(r => r.Contains("meta.modified.after=", StringComparison.Ordinal));

        // One pupil becomes protected, one lesson is registered late: exactly those are pulled.
        var later = SchoolData.Now.AddMinutes(-30);
        data.PutPupil(SchoolData.Alva, later, "Sekretessmarkering");
        data.PutAttendance(SchoolData.Pupils[1], day: 19, lesson: 1, away: true, later);
        var changed = await host.SyncAsync();
        changed.Succeeded.ShouldBeTrue(changed.Error);
        changed.Count("persons.pulled").ShouldBe(1);
        changed.Count("attendances.pulled").ShouldBe(1);
        changed.Count("attendances.applied").ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and protected_identity", host.KeyOf(SchoolData.Alva))).ShouldBe(1);

        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
    }

    [Fact]
    public async Task CorrectionOfAttendance_CrossingTheThreshold_OpensACase()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);
        (await host.SyncAsync()).Succeeded.ShouldBeTrue();
        await host.SettledAsync();
        (await host.ScalarAsync("select count(*) from coord_cases")).ShouldBe(0);

        // The school corrects three of Alva's days: she was away, excused. 5 of 20 school days is 25 %.
        var corrected = SchoolData.Now.AddHours(-1);
        foreach (var day in new[] { 10, 11, 12 })
        {
            for (var lesson = 0; lesson < 2; lesson++)
            {
                data.PutAttendance(SchoolData.Alva, day, lesson, away: true, corrected);
            }
        }

        var run = await host.SyncAsync();
        run.Succeeded.ShouldBeTrue(run.Error);
        run.Count("attendances.applied").ShouldBe(6, string.Join(", ", run.Items));

        var alva = host.KeyOf(SchoolData.Alva);
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where child_key = $1 and kind = 'AbsenceFollowUp'", alva) == 1, "Alva's case");
        (await host.ScalarAsync("select count(*) from coord_cases")).ShouldBe(1);
        (await host.TextAsync("select school_id from coord_cases where child_key = $1", alva)).ShouldBe(SchoolData.Björkskolan);
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount, "a correction replaces the registration");
    }

    [Fact]
    public async Task MalformedPage_IsRefusedWhole_AndTheWatermarkKept()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);

        // The third page of attendances has an item without its student.
        source.Malform("attendances", afterPages: 2);
        var refused = await host.SyncAsync();
        refused.Succeeded.ShouldBeFalse();
        refused.ErrorCode.ShouldBe("MalformedPage");
        refused.Error!.ShouldContain("student");
        refused.Count("attendances.applied").ShouldBe(14, "two whole pages of 7; nothing of the third");
        (await host.WatermarkAsync("attendances/" + SchoolData.Björkskolan)).ShouldBeNull();
        (await host.WatermarkAsync("persons/" + SchoolData.Björkskolan)).ShouldNotBeNull("the listings before it were stored");
        (await host.TextAsync("select last_error from school_sync_state where source = $1", SchoolSyncHost.SourceName)).ShouldStartWith("MalformedPage");
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(14);

        // Fixed at the source: the next run pulls from the kept watermark, the two pages again as duplicates.
        source.ClearFaults();
        var fixedRun = await host.SyncAsync();
        fixedRun.Succeeded.ShouldBeTrue(fixedRun.Error);
        fixedRun.Count("attendances.applied").ShouldBe(SchoolData.AttendanceCount - 14);
        fixedRun.Count("attendances.duplicates").ShouldBe(14);
        (await host.WatermarkAsync("attendances/" + SchoolData.Björkskolan)).ShouldNotBeNull();
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
    }

    [Fact]
    public async Task ServiceUnavailableWithRetryAfter_MidSync_IsWaitedOut_WithNothingLostOrDoubled()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);

        source.Fail("attendances", afterPages: 3, times: 2, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1));
        var started = DateTimeOffset.UtcNow;
        var run = await host.SyncAsync();

        run.Succeeded.ShouldBeTrue(run.Error);
        source.FaultsServed.ShouldBe(2);
        (DateTimeOffset.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromSeconds(2), "Retry-After: 1 was honoured twice");
        run.Count("attendances.applied").ShouldBe(SchoolData.AttendanceCount);
        run.Count("attendances.duplicates").ShouldBe(0);
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
    }

    [Fact]
    public async Task SourceDownLongerThanTheAttempts_StopsTheRun_AndTheNextRunCompletesIt()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source, maxAttempts: 3);

        source.Fail("attendances", afterPages: 4, times: 3, HttpStatusCode.TooManyRequests, retryAfter: null);
        var failed = await host.SyncAsync();
        failed.ErrorCode.ShouldBe("Unavailable");
        failed.Count("attendances.applied").ShouldBe(28);
        (await host.WatermarkAsync("attendances/" + SchoolData.Björkskolan)).ShouldBeNull();

        var recovered = await host.SyncAsync();
        recovered.Succeeded.ShouldBeTrue(recovered.Error);
        recovered.Count("attendances.applied").ShouldBe(SchoolData.AttendanceCount - 28);
        recovered.Count("attendances.duplicates").ShouldBe(28);
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
    }

    [Fact]
    public async Task DeletedPersonAndDuty_EndTheEnrolment_AndLeaveTheTeam()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);
        (await host.SyncAsync()).Succeeded.ShouldBeTrue();

        source.Delete("persons", SchoolData.Id(SchoolData.Pupils[2].Name));
        source.Delete("persons", SchoolData.Id(SchoolData.Hugo.Name));
        source.Delete("duties", SchoolData.Id("duty-sara-skolskoterska"));
        var run = await host.SyncAsync();
        run.Succeeded.ShouldBeTrue(run.Error);
        run.Count("deletedEntities.persons.applied").ShouldBe(2);

        var cornelia = host.KeyOf(SchoolData.Pupils[2]);
        (await host.TextAsync("select to_date::text from coord_enrolments where child_key = $1", cornelia)).ShouldBe("2026-03-23");

        // The re-write of a protected pupil carries the flag.
        var hugo = host.KeyOf(SchoolData.Hugo);
        (await host.TextAsync("select to_date::text from coord_enrolments where child_key = $1", hugo)).ShouldBe("2026-03-23");
        (await host.ScalarAsync("select count(*) from coord_children where child_key = $1 and protected_identity", hugo)).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_teams where team_id = $1 and $2 = any(members)", "eht-" + SchoolData.Björkskolan, SchoolData.Id("sara-skolskoterska"))).ShouldBe(0);
        (await host.ScalarAsync("select count(*) from coord_staff where staff_id = $1 and not active", SchoolData.Id("sara-skolskoterska"))).ShouldBe(1);
    }

    [Fact]
    public async Task EachSource_HasOneReminder_AndConcurrentSyncNowCallsRunOneAfterTheOther()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);

        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from orleans_reminders where reminder_name = 'school-sync' and grain_id like '%' || $1", SchoolSyncHost.SourceName) == 1,
            "the source's reminder");

        var runs = await Task.WhenAll(host.SyncAsync(), host.SyncAsync());
        runs.ShouldAllBe(r => r.Succeeded);
        runs.Sum(r => r.Count("attendances.applied")).ShouldBe(SchoolData.AttendanceCount, "the second run starts after the first and finds nothing new");
        runs.Min(r => r.Finished).ShouldBeLessThanOrEqualTo(runs.Max(r => r.Started));
        await host.SettledAsync();
        (await host.StoredAttendancesAsync()).ShouldBe(SchoolData.AttendanceCount);
        (await host.ScalarAsync("select count(*) from orleans_reminders where reminder_name = 'school-sync'")).ShouldBe(1);
    }

    [Fact]
    public async Task RenamedSchoolUnit_IsRewritten_KeepingTheSocialServicesLinkTheMunicipalityRegistered()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source);
        (await host.SyncAsync()).Succeeded.ShouldBeTrue();

        // The municipality links the school to social services (SS 12000 has no such thing).
        using var admin = host.ClientWithToken(host.Tokens.Feed("skolsystem", SchoolData.Organisation, SchoolData.Municipality, "School"));
        var unit = SchoolData.Björkskolan;
        var put = await admin.PutAsJsonAsync($"/api/v1/schools/{unit}", new
        {
            id = unit, name = "Björkskolan", municipality = SchoolData.Municipality, kind = "Compulsory", organisation = SchoolData.Organisation,
            studentHealthTeam = "eht-" + unit,
            socialServices = new { organisation = "org-1282-soc", contactPersons = Array.Empty<string>() },
        }, TestContext.Current.CancellationToken);
        put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var organisation = source.Get("organisations", unit)!;
        organisation["displayName"] = "Björkskolan F-9";
        organisation.Remove("id");
        organisation.Remove("meta");
        source.Put("organisations", unit, SchoolData.Now.AddMinutes(-10), [unit], organisation);
        var run = await host.SyncAsync();
        run.Succeeded.ShouldBeTrue(run.Error);
        run.Count("organisations.applied").ShouldBe(1);

        (await host.TextAsync("select name from coord_schools where school_id = $1", unit)).ShouldBe("Björkskolan F-9");
        (await host.TextAsync("select doc -> 'socialServices' ->> 'organisation' from coord_schools where school_id = $1", unit)).ShouldBe("org-1282-soc");
    }

    [Fact]
    public async Task Logs_NeverHoldTheSecret_CivicNumbers_OrPupilNames_EvenWhenTheSourceFails()
    {
        await using var source = await Ss12000Double.StartAsync();
        var data = new SchoolData(source);
        data.Load();
        await using var host = await SchoolSyncHost.StartAsync(postgres, source, maxAttempts: 2);
        source.Fail("persons", afterPages: 1, times: 1, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(0));
        (await host.SyncAsync()).Succeeded.ShouldBeTrue();
        source.Malform("persons", afterPages: 0);
        data.PutPupil(SchoolData.Alva, SchoolData.Now.AddMinutes(-5));
        (await host.SyncAsync()).ErrorCode.ShouldBe("MalformedPage");

        var lines = host.Logs.Lines.ToList();
        lines.ShouldContain(l => l.Contains("SS 12000 source skolsystem", StringComparison.Ordinal), "the connector logs");
        lines.ShouldNotContain(l => l.Contains(Ss12000Double.ClientSecret, StringComparison.Ordinal));
        foreach (var pupil in SchoolData.Pupils)
        {
            var tenDigits = pupil.CivicNo.Substring(2);
            lines.ShouldNotContain(l => l.Contains(tenDigits, StringComparison.Ordinal), pupil.Name);
        }

        lines.ShouldNotContain(l => l.Contains("Testsson", StringComparison.Ordinal));
    }
}
