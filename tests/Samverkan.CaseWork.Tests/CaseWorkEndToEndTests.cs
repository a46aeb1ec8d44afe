using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Samverkan.Testing;
using static Samverkan.CaseWork.Tests.CaseWorkScenario;

namespace Samverkan.CaseWork.Tests;

/// <summary>Case work across agencies over HTTP into the real host, with real PostgreSQL and a manual clock over months.</summary>
public sealed class CaseWorkEndToEndTests(PostgresServerFixture postgres)
{
    // Monday 7 September 2026, 08:00 in Sweden (UTC+2).
    private static readonly DateTimeOffset Monday = new(2026, 9, 7, 6, 0, 0, TimeSpan.Zero);

    private const string Pupil = "c_abcdefghijklmnopqrst";
    private const string SecondPupil = "c_bcdefghijklmnopqrstu";

    [Fact]
    public async Task JointPlan_LeadMeetingsAndActions_RemindEscalateAndFollowUp()
    {
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday);
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var caseId = await scenario.OpenConcernCaseAsync(Pupil);
        var cases = $"/api/v1/cases/{caseId}";

        // The counsellor takes the lead; someone of another municipality cannot even see the case.
        await PostAsync(scenario.Counsellor, $"{cases}/lead", new { });
        await PostAsync(scenario.OtherMunicipality, $"{cases}/lead", new { }, HttpStatusCode.NotFound);
        (await scenario.CaseAsync(scenario.SocialWorker, caseId)).GetProperty("lead").GetProperty("staff").GetString().ShouldBe("karin");

        // A meeting on Wednesday 13:00, and the plan's actions: one for the school, one for social services.
        var meeting = await PostAsync(scenario.Counsellor, $"{cases}/meetings", new { at = new DateTimeOffset(2026, 9, 9, 11, 0, 0, TimeSpan.Zero), purpose = "Planering" });
        meeting.ShouldBe("m1");
        await PostAsync(scenario.Counsellor, $"{cases}/meetings", new { at = Monday.AddHours(-1) }, HttpStatusCode.UnprocessableEntity);
        var schoolAction = await PostAsync(scenario.Counsellor, $"{cases}/plan/actions", new { what = "Anpassat schema", dueOn = "2026-09-21", owner = "karin" });
        var socialAction = await PostAsync(scenario.Counsellor, $"{cases}/plan/actions", new { what = "Hembesök", dueOn = "2026-09-14", owner = "sofia" });
        await PostAsync(scenario.Counsellor, $"{cases}/plan/actions", new { what = "", dueOn = "2026-09-01" }, HttpStatusCode.UnprocessableEntity);
        (await host.ScalarAsync("select count(*) from actor_grain_timers where actor_key = $1 and name like 'action:%'", caseId)).ShouldBe(2);

        // The morning of the meeting, the participants are reminded; then it is recorded as held and the plan agreed.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 9, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("karin", "MeetingToday")).ShouldBe(1);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 9, 12, 0, 0, TimeSpan.Zero));
        var held = new
        {
            attendees = new[] { new { organisation = SchoolOrganisation, agency = "School" }, new { organisation = SocialOrganisation, agency = "SocialServices" } },
            decisions = new[] { "Anpassat schema från v. 38", "Hembesök" },
            nextFollowUpOn = "2026-10-19",
            planAgreed = true,
        };
        await PostAsync(scenario.Counsellor, $"{cases}/meetings/{meeting}/held", held);
        await PostAsync(scenario.Counsellor, $"{cases}/meetings/{meeting}/held", held, HttpStatusCode.Conflict);
        var state = await scenario.CaseAsync(scenario.SocialWorker, caseId);
        state.GetProperty("plan").GetProperty("agreedAtMeeting").GetString().ShouldBe(meeting);
        state.GetProperty("meetings")[0].GetProperty("status").GetString().ShouldBe("Held");
        state.GetProperty("meetings")[0].GetProperty("attendees").GetArrayLength().ShouldBe(2);

        // Each organisation updates its own actions; everyone sees the progress.
        await PutJsonAsync(scenario.SocialWorker, $"{cases}/plan/actions/{schoolAction}", new { status = "Done" }, HttpStatusCode.Forbidden);
        await PutJsonAsync(scenario.Counsellor, $"{cases}/plan/actions/{schoolAction}", new { status = "InProgress", progress = "Schemat klart" });
        await PutJsonAsync(scenario.Counsellor, $"{cases}/plan/actions/a99", new { status = "Done" }, HttpStatusCode.NotFound);
        var seen = (await scenario.CaseAsync(scenario.SocialWorker, caseId)).GetProperty("plan").GetProperty("actions").EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == schoolAction);
        seen.GetProperty("status").GetString().ShouldBe("InProgress");
        seen.GetProperty("progress").GetString().ShouldBe("Schemat klart");

        // Social services' action (due Monday 14 September) is overdue the next morning: its owner is reminded ...
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 15, 5, 59, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("sofia", "PlanActionOverdue")).ShouldBe(0);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 15, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("sofia", "PlanActionOverdue")).ShouldBe(1);
        (await host.ScalarAsync("select overdue_actions from coord_case_work where case_id = $1", caseId)).ShouldBe(1);

        // ... and three working days later the lead and the coordinators are alerted.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 18, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("karin", "PlanActionEscalated")).ShouldBe(1);
        (await scenario.AlertsAsync("maria", "PlanActionEscalated")).ShouldBe(1);
        (await host.ScalarAsync("select escalated_actions from coord_case_work where case_id = $1", caseId)).ShouldBe(1);
        await PutJsonAsync(scenario.SocialWorker, $"{cases}/plan/actions/{socialAction}", new { status = "Done", progress = "Genomfört" });
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select open_actions from coord_case_work where case_id = $1", caseId) == 1, "one open action");

        // The follow-up date of the meeting comes without a new meeting: the participants are told.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 10, 19, 6, 45, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("karin", "FollowUpDue")).ShouldBe(1);
        (await scenario.AlertsAsync("sofia", "FollowUpDue")).ShouldBe(1);

        // The chronology shows the work to the participants, and nothing to others.
        var chronology = await ReadAsync(scenario.SocialWorker, $"/api/v1/children/{Pupil}/chronology");
        var kinds = chronology.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        kinds.ShouldContain("LeadAssigned");
        kinds.ShouldContain("MeetingHeld");
        kinds.ShouldContain("PlanActionEscalated");
        kinds.ShouldContain("ConcernReported");
        (await scenario.OtherMunicipality.GetAsync($"/api/v1/children/{Pupil}/chronology", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task StaffDeactivatedMidCase_FlagsEveryRole_AlertsTheManager_AndTheHandoverClearsThem()
    {
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday);
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var caseId = await scenario.OpenConcernCaseAsync(Pupil);
        var cases = $"/api/v1/cases/{caseId}";
        await PostAsync(scenario.Counsellor, $"{cases}/lead", new { });
        var action = await PostAsync(scenario.Counsellor, $"{cases}/plan/actions", new { what = "Samtal med eleven", dueOn = "2026-09-30", owner = "karin" });
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from actor_grain_outbox") == 0, "roles registered");

        // Karin leaves: the roster deactivates her.
        await PostAsync(scenario.Feed, "/api/v1/staff/karin/deactivate", new { });
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select vacancies from coord_case_work where case_id = $1", caseId) == 2, "her roles flagged");
        var vacancies = (await scenario.CaseAsync(scenario.Principal, caseId)).GetProperty("vacancies").EnumerateArray()
            .Select(v => (v.GetProperty("staff").GetString(), v.GetProperty("role").GetString(), v.GetProperty("reference").GetString())).ToList();
        vacancies.ShouldBe([("karin", "Lead", null), ("karin", "ActionOwner", action)], ignoreOrder: true);
        await host.WaitUntilAsync(async () => await scenario.AlertsAsync("maria", "RoleNeedsReassignment") >= 1, "her manager alerted");
        (await scenario.Counsellor.GetAsync(cases, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "deactivated staff see nothing");

        // The named person leaves too: the child's role and her participation in the case are flagged, the manager alerted.
        var managerAlerts = await scenario.AlertsAsync("maria", "RoleNeedsReassignment");
        await PostAsync(scenario.Feed, "/api/v1/staff/anna/deactivate", new { });
        await host.WaitUntilAsync(
            async () => await host.ScalarAsync("select count(*) from actor_grain_state where actor_type = 'child' and jsonb_typeof(state -> 'namedPersonVacancy') = 'object'") == 1,
            "the named person's vacancy");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select vacancies from coord_case_work where case_id = $1", caseId) == 3, "her participation flagged");
        await host.WaitUntilAsync(async () => await scenario.AlertsAsync("maria", "RoleNeedsReassignment") >= managerAlerts + 2, "the manager alerted for the child and the case");

        // A participant hands Karin's roles over to Lena, of the same team: the lead and the action move; Karin's vacancies are cleared.
        await PostAsync(scenario.SocialWorker, $"{cases}/handover", new { from = "karin", to = "sofia" }, HttpStatusCode.UnprocessableEntity);
        await PostAsync(scenario.SocialWorker, $"{cases}/handover", new { from = "karin", to = "lena" });
        var after = await scenario.CaseAsync(scenario.NewCounsellor, caseId);
        after.GetProperty("lead").GetProperty("staff").GetString().ShouldBe("lena");
        after.GetProperty("vacancies").EnumerateArray().ShouldAllBe(v => v.GetProperty("staff").GetString() == "anna", "only the named person's participation waits");
        after.GetProperty("plan").GetProperty("actions")[0].GetProperty("owner").GetString().ShouldBe("lena");
        await host.WaitUntilAsync(async () => await scenario.AlertsAsync("lena", "CaseHandedOver") == 1, "Lena told");
        await PutJsonAsync(scenario.NewCounsellor, $"{cases}/plan/actions/{action}", new { status = "InProgress" });
        (await host.ScalarAsync("select vacancies from coord_case_work where case_id = $1", caseId)).ShouldBe(1);
    }

    [Fact]
    public async Task PlacedChild_AYearOfQuarterlyFollowUps_OneMissedAndEscalated()
    {
        // Monday 12 January 2026, 08:00 (UTC+1): the child was placed in care on 5 January.
        await using var host = await CaseWorkHost.StartAsync(postgres, new DateTimeOffset(2026, 1, 12, 7, 0, 0, TimeSpan.Zero));
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil, placedFrom: "2026-01-05");
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_case_work where kind = 'PlacedChildFollowUp'") == 1, "the follow-up case");
        var caseId = (await host.TextAsync("select case_id from coord_case_work where kind = 'PlacedChildFollowUp'"))!;
        var held = $"/api/v1/cases/{caseId}/placement-follow-ups/held";
        (await host.TextAsync("select placement_next_due::text from coord_case_work where case_id = $1", caseId)).ShouldBe("2026-04-05");
        var agencies = (await scenario.CaseAsync(scenario.SocialWorker, caseId)).GetProperty("participants").EnumerateArray()
            .Select(p => p.GetProperty("agency").GetString()).Distinct().ToList();
        agencies.ShouldBe(["School", "SocialServices"], ignoreOrder: true);

        // First quarter: held in time, by social services.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 4, 1, 6, 0, 0, TimeSpan.Zero));
        await PostAsync(scenario.SocialWorker, held, new { notes = "Skolgången fungerar" });
        (await host.TextAsync("select placement_next_due::text from coord_case_work where case_id = $1", caseId)).ShouldBe("2026-07-05");

        // Second quarter: missed. Overdue the morning after its date (shown and alerted), escalated three working days later.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 7, 6, 6, 30, 0, TimeSpan.Zero));
        (await host.ScalarAsync("select placement_overdue from coord_case_work where case_id = $1", caseId)).ShouldBe(1);
        (await scenario.AlertsAsync("sofia", "PlacementFollowUpOverdue")).ShouldBe(1);
        (await scenario.AlertsAsync("maria", "PlacementFollowUpOverdue")).ShouldBe(0);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 7, 9, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("maria", "PlacementFollowUpOverdue")).ShouldBe(1);
        (await host.ScalarAsync("select placement_missed from coord_case_work where case_id = $1", caseId)).ShouldBe(1);
        (await host.TextAsync("select placement_next_due::text from coord_case_work where case_id = $1", caseId)).ShouldBe("2026-10-05");

        // Third and fourth quarters: held, by the school and by social services.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 10, 1, 6, 0, 0, TimeSpan.Zero));
        await PostAsync(scenario.Counsellor, held, new { });
        await scenario.AdvanceToAsync(new DateTimeOffset(2027, 1, 4, 7, 0, 0, TimeSpan.Zero));
        await PostAsync(scenario.SocialWorker, held, new { });

        var items = (await scenario.CaseAsync(scenario.SocialWorker, caseId)).GetProperty("placement").GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("dueOn").GetString(), i.GetProperty("status").GetString())).ToList();
        items.ShouldBe(
        [
            ("2026-04-05", "Held"), ("2026-07-05", "Missed"), ("2026-10-05", "Held"), ("2027-01-05", "Held"), ("2027-04-05", "Due"),
        ]);
        (await scenario.AlertsAsync("maria", "PlacementFollowUpOverdue")).ShouldBe(1, "only the missed one escalated");
    }

    [Fact]
    public async Task ReporterFeedback_RemindedThenOverdue_UntilSocialServicesRecordIt()
    {
        // The municipality's deadline: five working days, reminded one working day before.
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday, new Dictionary<string, string>
        {
            ["Samverkan:CaseWork:ReporterFeedbackWorkingDays"] = "5",
            ["Samverkan:CaseWork:ReporterFeedbackReminderWorkingDays"] = "1",
        });
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await scenario.ReportConcernAsync(Pupil, "oro-1", new DateOnly(2026, 9, 7));
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_concern_feedback") == 1, "feedback owed");
        var owed = (await ReadAsync(scenario.SocialWorker, "/api/v1/concerns/feedback")).GetProperty("items");
        owed.GetArrayLength().ShouldBe(1);
        owed[0].GetProperty("overdue").GetBoolean().ShouldBeFalse();
        owed[0].GetProperty("reportingOrganisation").GetString().ShouldBe(SchoolOrganisation);

        // Due Monday 14 September 08:00, reminded on Friday.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 11, 5, 59, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("sofia", "ReporterFeedbackDue")).ShouldBe(0);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 11, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("sofia", "ReporterFeedbackDue")).ShouldBe(1);
        (await scenario.AlertsAsync("sofia", "ReporterFeedbackOverdue")).ShouldBe(0);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 14, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("sofia", "ReporterFeedbackOverdue")).ShouldBe(1);
        (await scenario.AlertsAsync("maria", "ReporterFeedbackOverdue")).ShouldBe(1);
        var overdue = (await ReadAsync(scenario.SocialWorker, "/api/v1/concerns/feedback?overdue=true")).GetProperty("items");
        overdue.GetArrayLength().ShouldBe(1);
        overdue[0].GetProperty("overdue").GetBoolean().ShouldBeTrue();

        // Only social services record the feedback; then nothing is owed.
        await PostAsync(scenario.Counsellor, $"/api/v1/children/{Pupil}/concerns/oro-1/feedback", new { }, HttpStatusCode.Forbidden);
        await PostAsync(scenario.SocialWorker, $"/api/v1/children/{Pupil}/concerns/oro-1/feedback", new { });
        await PostAsync(scenario.SocialWorker, $"/api/v1/children/{Pupil}/concerns/oro-9/feedback", new { }, HttpStatusCode.NotFound);
        (await ReadAsync(scenario.SocialWorker, "/api/v1/concerns/feedback")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await host.ScalarAsync("select count(*) from coord_concern_feedback where given_at is not null and given_by = 'sofia'")).ShouldBe(1);

        // The reporter's organisation sees in the chronology that its report got its feedback.
        var kinds = (await ReadAsync(scenario.Counsellor, $"/api/v1/children/{Pupil}/chronology")).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("kind").GetString()).ToList();
        kinds.ShouldBe(["ConcernReported", "ReporterFeedbackGiven"]);
    }

    [Fact]
    public async Task Sip_FromConsentToPlanToFollowUp_AndAnotherEscalatedWhenItsFirstMeetingIsLate()
    {
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday);
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        await scenario.EnrolAsync(SecondPupil);
        object Sip(string consentId, string[] recipients, params string[] participants) => new
        {
            consent = new
            {
                id = consentId,
                givenBy = new[] { new { kind = "Guardian", guardian = "g-1" } },
                recipients,
                categories = new[] { "Schooling", "Health", "SocialCircumstances", "CaseWork" },
                purpose = "SIP",
            },
            participants,
        };
        string[] all = [SchoolOrganisation, SocialOrganisation, RegionOrganisation];

        // A SIP needs the region and the municipality, and a consent naming every participant's organisation.
        await PostAsync(scenario.Counsellor, $"/api/v1/children/{Pupil}/sip", Sip("samtycke-1", all, "karin", "anna"), HttpStatusCode.UnprocessableEntity);
        await PostAsync(scenario.Counsellor, $"/api/v1/children/{Pupil}/sip", Sip("samtycke-1", [SchoolOrganisation], "karin", "bengt"), HttpStatusCode.UnprocessableEntity);
        var created = await scenario.Counsellor.PostAsJsonAsync($"/api/v1/children/{Pupil}/sip", Sip("samtycke-1", all, "karin", "bengt"), TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var caseId = (await CaseWorkHost.ReadAsync<JsonElement>(created)).GetProperty("caseId").GetString()!;
        var cases = $"/api/v1/cases/{caseId}";
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_case_work where case_id = $1", caseId) == 1, "the SIP case");

        // The child psychiatrist of the region takes part, sees the case, and its first meeting is due in 5 working days.
        var sip = await scenario.CaseAsync(scenario.ChildPsychiatrist, caseId);
        sip.GetProperty("kind").GetString().ShouldBe("Sip");
        sip.GetProperty("participants").EnumerateArray().ShouldContain(p => p.GetProperty("agency").GetString() == "ChildPsychiatry");
        sip.GetProperty("sip").GetProperty("firstMeetingDueAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 9, 14, 6, 0, 0, TimeSpan.Zero));

        // The meeting is held in time; the plan names who holds overall responsibility and who does what, and when.
        var meeting = await PostAsync(scenario.ChildPsychiatrist, $"{cases}/meetings", new { at = new DateTimeOffset(2026, 9, 10, 8, 0, 0, TimeSpan.Zero), purpose = "SIP-möte" });
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 9, 10, 10, 0, 0, TimeSpan.Zero));
        object Held(string? responsible) => new
        {
            attendees = new[] { new { organisation = SchoolOrganisation, agency = "School" }, new { organisation = RegionOrganisation, agency = "ChildPsychiatry" } },
            decisions = new[] { "Utredning på BUP", "Anpassningar i skolan" },
            nextFollowUpOn = "2026-10-12",
            planAgreed = true,
            overallResponsible = responsible,
        };
        await PostAsync(scenario.ChildPsychiatrist, $"{cases}/meetings/{meeting}/held", Held(null), HttpStatusCode.UnprocessableEntity);
        await PostAsync(scenario.ChildPsychiatrist, $"{cases}/meetings/{meeting}/held", Held("bengt"));
        await PostAsync(scenario.ChildPsychiatrist, $"{cases}/plan/actions", new { what = "Neuropsykiatrisk utredning", dueOn = "2026-11-30", owner = "bengt" });
        await PostAsync(scenario.Counsellor, $"{cases}/plan/actions", new { what = "Anpassat schema", dueOn = "2026-09-30", owner = "karin" });
        var plan = (await scenario.CaseAsync(scenario.Counsellor, caseId)).GetProperty("plan");
        plan.GetProperty("overallResponsible").GetString().ShouldBe("bengt");
        plan.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("agency").GetString()).ShouldBe(["ChildPsychiatry", "School"]);
        (await host.ScalarAsync("select count(*) from actor_grain_timers where actor_key = $1 and name = 'sip'", caseId)).ShouldBe(0);

        // The follow-up date comes: the participants are told; the first meeting was in time, so nothing escalated.
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 10, 12, 6, 30, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("bengt", "FollowUpDue")).ShouldBe(1);
        (await scenario.AlertsAsync("bengt", "SipFirstMeetingOverdue")).ShouldBe(0);

        // Another SIP, started that Monday 08:30, whose first meeting never happens: reminded the day before, escalated at the deadline.
        var second = await scenario.Counsellor.PostAsJsonAsync($"/api/v1/children/{SecondPupil}/sip", Sip("samtycke-2", all, "karin", "bengt"), TestContext.Current.CancellationToken);
        second.StatusCode.ShouldBe(HttpStatusCode.Created, await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var secondCase = (await CaseWorkHost.ReadAsync<JsonElement>(second)).GetProperty("caseId").GetString()!;
        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_case_work where case_id = $1", secondCase) == 1, "the second SIP case");
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 10, 16, 6, 45, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("bengt", "SipFirstMeetingDue")).ShouldBe(1);
        (await scenario.AlertsAsync("maria", "SipFirstMeetingOverdue")).ShouldBe(0);
        await scenario.AdvanceToAsync(new DateTimeOffset(2026, 10, 19, 6, 45, 0, TimeSpan.Zero));
        (await scenario.AlertsAsync("bengt", "SipFirstMeetingOverdue")).ShouldBe(1);
        (await scenario.AlertsAsync("maria", "SipFirstMeetingOverdue")).ShouldBe(1);
        (await host.ScalarAsync("select count(*) from coord_case_work where case_id = $1 and sip_overdue", secondCase)).ShouldBe(1);
    }

    [Fact]
    public async Task SchoolMove_WithAnOpenCase_HandsTheCaseOverToTheNewSchoolsTeam()
    {
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday);
        var scenario = new CaseWorkScenario(host);
        await scenario.SetUpAsync();
        await scenario.EnrolAsync(Pupil);
        var caseId = await scenario.OpenConcernCaseAsync(Pupil);
        await PostAsync(scenario.Counsellor, $"/api/v1/cases/{caseId}/plan/actions", new { what = "Överlämning", dueOn = "2026-09-30", owner = "sofia" });
        (await scenario.OtherSchoolCounsellor.GetAsync($"/api/v1/cases/{caseId}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await scenario.MoveToOtherSchoolAsync(Pupil);

        await host.WaitUntilAsync(async () => await host.ScalarAsync("select count(*) from coord_cases where case_id = $1 and school_id = $2", caseId, OtherSchool) == 1, "the case followed");
        var moved = await scenario.CaseAsync(scenario.OtherSchoolCounsellor, caseId);
        var teams = moved.GetProperty("participants").EnumerateArray()
            .Where(p => p.GetProperty("who").TryGetProperty("team", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(p => p.GetProperty("who").GetProperty("team").GetString()).ToList();
        teams.ShouldContain(OtherHealthTeam);
        teams.ShouldNotContain(HealthTeam);
        teams.ShouldContain(SocialTeam, "social services stay on their legal basis");
        moved.GetProperty("plan").GetProperty("actions").GetArrayLength().ShouldBe(1, "the plan follows the child");
        moved.GetProperty("timeline").EnumerateArray().ShouldContain(t => t.GetProperty("kind").GetString() == "SchoolChanged");
        await host.WaitUntilAsync(async () => await scenario.AlertsAsync("erik", "CaseHandedOver") == 1, "the new school's team told");
        (await scenario.Counsellor.GetAsync($"/api/v1/cases/{caseId}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the former school's team no longer sees it");
    }

    [Fact]
    public async Task CaseWorkEndpoints_AreInTheOpenApiDocument()
    {
        await using var host = await CaseWorkHost.StartAsync(postgres, Monday);
        var document = await host.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        foreach (var path in new[]
                 {
                     "/api/v1/cases/{caseId}/lead", "/api/v1/cases/{caseId}/plan/actions", "/api/v1/cases/{caseId}/plan/actions/{actionId}",
                     "/api/v1/cases/{caseId}/meetings", "/api/v1/cases/{caseId}/meetings/{meetingId}/held", "/api/v1/cases/{caseId}/handover",
                     "/api/v1/cases/{caseId}/placement-follow-ups/held", "/api/v1/staff/{staffId}/deactivate",
                     "/api/v1/children/{childKey}/concerns/{concernId}/feedback", "/api/v1/concerns/feedback", "/api/v1/children/{childKey}/chronology",
                     "/api/v1/children/{childKey}/sip",
                 })
        {
            document.ShouldContain($"\"{path}\"");
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return await CaseWorkHost.ReadAsync<JsonElement>(response);
    }
}
