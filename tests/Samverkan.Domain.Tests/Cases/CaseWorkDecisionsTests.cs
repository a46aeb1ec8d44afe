using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.Cases.CaseTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Cases;

public class CaseWorkDecisionsTests
{
    private static readonly ActingStaff Counselling = Member with { Organisation = SchoolOrganisation };
    private static readonly CaseWorkPolicy Policy = CaseWorkPolicy.Default;

    private static Staff Person(StaffId id, Agency agency = Agency.School, OrganisationId? organisation = null, bool active = true, StaffId? manager = null) => new()
    {
        Id = id,
        DisplayName = id.Value,
        Organisation = organisation ?? (agency == Agency.School ? SchoolOrganisation : agency == Agency.SocialServices ? SocialServicesOrganisation : RegionOrganisation),
        Agency = agency,
        Active = active,
        Manager = manager,
    };

    private static CaseContext Ctx(string at) => CaseContextAt(At(at));

    [Theory]
    [InlineData("2025-10-13", 1, "2025-10-14")] // Monday → Tuesday
    [InlineData("2025-10-17", 1, "2025-10-20")] // Friday → Monday
    [InlineData("2025-10-17", 3, "2025-10-22")]
    [InlineData("2026-04-02", 1, "2026-04-07")] // Maundy Thursday → Tuesday after Easter Monday
    [InlineData("2025-12-23", 2, "2025-12-30")] // Christmas Eve, Christmas Day, Boxing Day, a weekend
    [InlineData("2025-10-13", 0, "2025-10-13")]
    public void WorkingDaysAfter_SkipsWeekendsAndPublicHolidays(string from, int count, string expected) =>
        WorkingDays.After(D(from), count).ShouldBe(D(expected));

    [Theory]
    [InlineData("2025-10-13", "2025-10-14 08:00", "2025-10-17 08:00")] // due Monday: overdue Tuesday, escalated Friday
    [InlineData("2025-10-17", "2025-10-20 08:00", "2025-10-23 08:00")] // due Friday: overdue Monday
    [InlineData("2026-04-02", "2026-04-07 08:00", "2026-04-10 08:00")] // due before Easter
    public void OverdueAndEscalation_AreOnWorkingDaysAfterTheDueDate(string due, string overdue, string escalated)
    {
        CaseWorkDecisions.OverdueAt(D(due), Policy).ShouldBe(At(overdue));
        CaseWorkDecisions.EscalateAt(D(due), Policy).ShouldBe(At(escalated));
    }

    [Fact]
    public void AssignLead_TakingItThroughATeam_DoesNotAddAParticipant_AndClearsAVacantLead()
    {
        var state = Opened() with { Vacancies = [new RoleVacancy(Principal, CaseRoleKind.Lead, null, At("2025-10-10 11:00"))] };

        var decision = CaseWorkDecisions.AssignLead(state, Person(Counsellor), Counselling, Ctx("2025-10-13 09:00"));

        decision.Error.ShouldBeNull();
        decision.NewState!.Lead.ShouldBe(new CaseLead(Counsellor, Agency.School, At("2025-10-13 09:00"), Counsellor));
        decision.NewState.Participants.Length.ShouldBe(state.Participants.Length);
        decision.NewState.Vacancies.ShouldBeEmpty();
        decision.Alerts.ShouldBeEmpty("taking the lead oneself alerts no one");
    }

    [Fact]
    public void AssignLead_ToAnotherPerson_AddsThemAndAlertsThem()
    {
        var decision = CaseWorkDecisions.AssignLead(Opened(), Person(Outsider), Counselling, Ctx("2025-10-13 09:00"));

        decision.NewState!.Lead!.Staff.ShouldBe(Outsider);
        decision.NewState.Participants.ShouldContain(p => p.Who == ParticipantRef.ForStaff(Outsider) && p.Role == CaseParticipantRole.LeadProfessional);
        decision.Alerts.ShouldHaveSingleItem().Recipient.ShouldBe(AlertRecipient.ToStaff(Outsider));
    }

    public static TheoryData<string, Staff, ActingStaff, string> RefusedLeads => new()
    {
        { "not a participant", Person(Counsellor), Stranger, CaseErrors.NotParticipant },
        { "inactive", Person(Outsider, active: false), Counselling, CaseWorkErrors.StaffInactive },
        { "social services without a legal basis", Person(ContactAnna, Agency.SocialServices), Counselling, CaseWorkErrors.NoLegalBasis },
    };

    [Theory]
    [MemberData(nameof(RefusedLeads))]
    public void AssignLead_IsRefused(string why, Staff to, ActingStaff by, string code)
    {
        var state = Opened();

        var decision = CaseWorkDecisions.AssignLead(state, to, by, Ctx("2025-10-13 09:00"));

        decision.Error.ShouldNotBeNull(why).Code.ShouldBe(code);
        decision.NewState.ShouldBeSameAs(state);
    }

    [Theory]
    [InlineData("", "2025-10-20", null, "what")]
    [InlineData("Samtal", null, null, "dueOn")]
    [InlineData("Samtal", "2025-10-10", null, "dueOn")]
    [InlineData("Samtal", "2025-10-20", "other-org", "owner")]
    public void AddPlanAction_ValidatesItsInput(string what, string? due, string? organisation, string field)
    {
        var action = new NewPlanAction(what, due is null ? null : D(due), organisation is null ? null : new OrganisationId(organisation), Owner: Counsellor);

        var decision = CaseWorkDecisions.AddPlanAction(Opened(), action, Person(Counsellor), Counselling, Ctx("2025-10-13 09:00"));

        decision.Error!.Code.ShouldBe(CaseWorkErrors.Invalid);
        decision.Error.Fields.ShouldContain(f => f.Field == field);
    }

    [Fact]
    public void AddPlanAction_SetsItsOverdueTimer_AndTheOwnerOrganisationUpdatesIt()
    {
        var added = CaseWorkDecisions.AddPlanAction(
            Opened(), new NewPlanAction("Anpassat schema", D("2025-10-17"), Owner: Principal), Person(Principal), Counselling, Ctx("2025-10-13 09:00"));
        added.CreatedId.ShouldBe("a1");
        added.Timers.ShouldBe([TimerInstruction.Set("action:a1", At("2025-10-20 08:00"))]);
        added.Alerts.ShouldHaveSingleItem().Kind.ShouldBe(AlertKind.PlanActionAssigned);
        var state = added.NewState!;

        var social = SocialWorker with { Organisation = SocialServicesOrganisation };
        CaseWorkDecisions.UpdatePlanAction(state, "a1", new PlanActionUpdate(PlanActionStatus.Done), social, Ctx("2025-10-14 09:00"))
            .Error!.Code.ShouldBe(CaseErrors.NotParticipant);
        var withSocial = state with
        {
            Participants = state.Participants.Add(new CaseParticipant(ParticipantRef.ForStaff(social.Staff), Agency.SocialServices, CaseParticipantRole.Other, null, At("2025-10-13 10:00"))),
        };
        CaseWorkDecisions.UpdatePlanAction(withSocial, "a1", new PlanActionUpdate(PlanActionStatus.Done), social, Ctx("2025-10-14 09:00"))
            .Error!.Code.ShouldBe(CaseWorkErrors.NotActionOwner, "a participant of another organisation sees the action but does not move it");
        CaseWorkDecisions.UpdatePlanAction(state, "a9", new PlanActionUpdate(PlanActionStatus.Done), Counselling, Ctx("2025-10-14 09:00"))
            .Error!.Code.ShouldBe(CaseWorkErrors.PlanActionNotFound);
        var outsider = new ActingStaff(new StaffId("outsider"), Agency.School) { Organisation = SchoolOrganisation };
        CaseWorkDecisions.UpdatePlanAction(state, "a1", new PlanActionUpdate(PlanActionStatus.Done), outsider, Ctx("2025-10-14 09:00"))
            .Error!.Code.ShouldBe(CaseErrors.NotParticipant, "the owner organisation's staff outside the case do not act on its plan");

        var moved = CaseWorkDecisions.UpdatePlanAction(state, "a1", new PlanActionUpdate(PlanActionStatus.InProgress, "Påbörjat", D("2025-10-24")), Counselling, Ctx("2025-10-14 09:00"));
        moved.NewState!.Plan.Actions[0].Progress.ShouldBe("Påbörjat");
        moved.Timers.ShouldBe([TimerInstruction.Set("action:a1", At("2025-10-27 08:00"))]);

        var done = CaseWorkDecisions.UpdatePlanAction(moved.NewState, "a1", new PlanActionUpdate(PlanActionStatus.Done), Counselling, Ctx("2025-10-15 09:00"));
        done.Timers.ShouldBe([TimerInstruction.Cancel("action:a1")]);
        done.NewState!.Plan.Actions[0].IsOpen.ShouldBeFalse();
    }

    [Theory]
    [InlineData("2025-10-20 07:59", "reset", "2025-10-20 08:00")]
    [InlineData("2025-10-20 08:00", "overdue", "2025-10-23 08:00")]
    [InlineData("2025-10-24 09:00", "overdue", "2025-10-24 09:00")] // fired late: escalation straight after
    public void ActionTimer_FirstRemindsTheOwner(string now, string outcome, string nextTimer)
    {
        var state = CaseWorkDecisions.AddPlanAction(
            Opened(), new NewPlanAction("Samtal", D("2025-10-17"), Owner: Principal), Person(Principal), Counselling, Ctx("2025-10-13 09:00")).NewState!;

        var decision = CaseWorkDecisions.TimerDue(state, "action:a1", Ctx(now));

        decision.Timers.ShouldBe([TimerInstruction.Set("action:a1", At(nextTimer))]);
        if (outcome == "overdue")
        {
            decision.NewState!.Plan.Actions[0].OverdueSince.ShouldBe(At(now));
            decision.Alerts.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
                a => a.Kind.ShouldBe(AlertKind.PlanActionOverdue), a => a.Recipient.ShouldBe(AlertRecipient.ToStaff(Principal)));
        }
        else
        {
            decision.IsUnchanged.ShouldBeTrue();
            decision.Alerts.ShouldBeEmpty();
        }
    }

    [Fact]
    public void ActionTimer_ThenEscalatesToTheLeadAndTheCoordinators_Once()
    {
        var state = CaseWorkDecisions.AddPlanAction(
            Opened(), new NewPlanAction("Samtal", D("2025-10-17"), Owner: Principal), Person(Principal), Counselling, Ctx("2025-10-13 09:00")).NewState!;
        state = CaseWorkDecisions.AssignLead(state, Person(Counsellor), Counselling, Ctx("2025-10-13 09:00")).NewState!;
        state = CaseWorkDecisions.TimerDue(state, "action:a1", Ctx("2025-10-20 08:00")).NewState!;

        var escalated = CaseWorkDecisions.TimerDue(state, "action:a1", Ctx("2025-10-23 08:00"));

        escalated.NewState!.Plan.Actions[0].EscalatedAt.ShouldBe(At("2025-10-23 08:00"));
        escalated.Alerts.Select(a => a.Recipient).ShouldBe([AlertRecipient.ToStaff(Counsellor), AlertRecipient.ToTeam(Coordinators)]);
        escalated.Alerts.ShouldAllBe(a => a.Kind == AlertKind.PlanActionEscalated && a.Case == state.Id);
        CaseWorkDecisions.TimerDue(escalated.NewState, "action:a1", Ctx("2025-10-24 08:00")).Alerts.ShouldBeEmpty();
    }

    [Fact]
    public void Meetings_ScheduledRemindedHeld_WithAFollowUpThatRemindsUnlessAMeetingIsScheduled()
    {
        var scheduled = CaseWorkDecisions.ScheduleMeeting(Opened(), At("2025-10-15 13:00"), "Planering", Counselling, Ctx("2025-10-13 09:00"));
        scheduled.CreatedId.ShouldBe("m1");
        scheduled.Timers.ShouldBe([TimerInstruction.Set("meeting:m1", At("2025-10-15 08:00"))]);
        CaseWorkDecisions.ScheduleMeeting(Opened(), At("2025-10-13 08:00"), null, Counselling, Ctx("2025-10-13 09:00")).Error!.Code.ShouldBe(CaseWorkErrors.Invalid);

        var record = new MeetingRecord
        {
            Attendees = [new MeetingAttendee(SchoolOrganisation, Agency.School), new MeetingAttendee(SocialServicesOrganisation, Agency.SocialServices)],
            Decisions = ["Anpassat schema"],
            NextFollowUpOn = D("2025-11-17"),
            PlanAgreed = true,
        };
        CaseWorkDecisions.RecordMeetingHeld(scheduled.NewState!, "m1", record with { Attendees = [] }, Counselling, Ctx("2025-10-15 15:00"))
            .Error!.Fields.ShouldContain(f => f.Field == "attendees");
        var held = CaseWorkDecisions.RecordMeetingHeld(scheduled.NewState!, "m1", record, Counselling, Ctx("2025-10-15 15:00"));
        held.Timers.ShouldBe([TimerInstruction.Cancel("meeting:m1"), TimerInstruction.Set("follow-up:m1", At("2025-11-17 08:00"))]);
        held.NewState!.Plan.AgreedAtMeeting.ShouldBe("m1");
        CaseWorkDecisions.RecordMeetingHeld(held.NewState, "m1", record, Counselling, Ctx("2025-10-15 16:00")).Error!.Code.ShouldBe(CaseWorkErrors.MeetingAlreadyHeld);

        CaseWorkDecisions.TimerDue(held.NewState, "follow-up:m1", Ctx("2025-11-17 08:00")).Alerts.ShouldAllBe(a => a.Kind == AlertKind.FollowUpDue);
        CaseWorkDecisions.TimerDue(held.NewState, "follow-up:m1", Ctx("2025-11-17 08:00")).Alerts.ShouldNotBeEmpty();
        var next = CaseWorkDecisions.ScheduleMeeting(held.NewState, At("2025-11-20 13:00"), null, Counselling, Ctx("2025-11-10 09:00")).NewState!;
        CaseWorkDecisions.TimerDue(next, "follow-up:m1", Ctx("2025-11-17 08:00")).Alerts.ShouldBeEmpty("a follow-up meeting is scheduled");
    }

    [Fact]
    public void StaffDeactivated_FlagsEachRole_AlertsTheManager_AndTheHandoverClearsThem()
    {
        var state = CaseWorkDecisions.AssignLead(Opened(), Person(Principal), Counselling, Ctx("2025-10-13 09:00")).NewState!;
        state = CaseWorkDecisions.AddPlanAction(state, new NewPlanAction("Samtal", D("2025-10-20"), Owner: Principal), Person(Principal), Counselling, Ctx("2025-10-13 09:00")).NewState!;
        var manager = new StaffId("staff-manager");

        var flagged = CaseWorkDecisions.StaffDeactivated(state, Principal, manager, Ctx("2025-10-14 09:00"));

        flagged.NewState!.Vacancies.Select(v => (v.Role, v.Reference)).ShouldBe([(CaseRoleKind.Lead, null), (CaseRoleKind.Participant, null), (CaseRoleKind.ActionOwner, "a1")]);
        flagged.Alerts.Select(a => a.Recipient).ShouldContain(AlertRecipient.ToStaff(manager));
        flagged.Alerts.Select(a => a.Recipient).ShouldContain(AlertRecipient.ToTeam(Coordinators));
        CaseWorkDecisions.StaffDeactivated(flagged.NewState, Principal, manager, Ctx("2025-10-14 10:00")).IsUnchanged.ShouldBeTrue();

        CaseWorkDecisions.Handover(flagged.NewState, Person(Principal, active: false), Person(ContactAnna, Agency.SocialServices), Counselling, Ctx("2025-10-15 09:00"))
            .Error!.Code.ShouldBe(CaseWorkErrors.Invalid);
        var handed = CaseWorkDecisions.Handover(flagged.NewState, Person(Principal, active: false), Person(Counsellor), Counselling, Ctx("2025-10-15 09:00"));
        handed.NewState!.Vacancies.ShouldBeEmpty();
        handed.NewState.Lead!.Staff.ShouldBe(Counsellor);
        handed.NewState.Plan.Actions[0].Owner.ShouldBe(Counsellor);
        handed.NewState.Participants.ShouldNotContain(p => p.Who == ParticipantRef.ForStaff(Principal));
        CaseWorkDecisions.RolesOf(handed.NewState, Principal).ShouldBeEmpty();
    }

    [Fact]
    public void Placement_FollowUpsEveryThreeMonths_MissedOneEscalatesAndTheRhythmGoesOn()
    {
        var trigger = Trigger(CaseKind.PlacedChildFollowUp, basis: new LegalBasis(LegalBasisKind.Statutory, "placement:2081", At("2025-10-10 10:00")))
            with { Placement = new CarePlacement(Borlange, D("2025-09-01")) };
        var opened = CaseDecisions.Open(null, trigger, Ctx("2025-10-10 10:00"));
        var state = opened.NewState!;
        state.Placement!.Items.ShouldHaveSingleItem().DueOn.ShouldBe(D("2025-12-01"));
        opened.Timers.ShouldContain(TimerInstruction.Set("placement:f1", At("2025-12-02 08:00")));

        state = CaseWorkDecisions.TimerDue(state, "placement:f1", Ctx("2025-12-02 08:00")).NewState!;
        state.Placement!.Items[0].Status.ShouldBe(FollowUpStatus.Overdue);
        var escalated = CaseWorkDecisions.TimerDue(state, "placement:f1", Ctx("2025-12-05 08:00"));
        escalated.Alerts.ShouldContain(a => a.Recipient == AlertRecipient.ToTeam(Coordinators) && a.Kind == AlertKind.PlacementFollowUpOverdue);
        escalated.NewState!.Placement!.Items.Select(i => (i.DueOn, i.Status)).ShouldBe([(D("2025-12-01"), FollowUpStatus.Missed), (D("2026-03-01"), FollowUpStatus.Due)]);

        var held = CaseWorkDecisions.RecordPlacementFollowUp(escalated.NewState, "ok", SocialWorker, Ctx("2026-02-25 10:00"));
        held.NewState!.Placement!.Items.Select(i => (i.DueOn, i.Status)).ShouldBe(
            [(D("2025-12-01"), FollowUpStatus.Missed), (D("2026-03-01"), FollowUpStatus.Held), (D("2026-06-01"), FollowUpStatus.Due)]);
        held.Timers.ShouldBe([TimerInstruction.Cancel("placement:f2"), TimerInstruction.Set("placement:f3", At("2026-06-02 08:00"))]);
    }

    [Theory]
    [InlineData("2025-10-13 10:00", 5, "2025-10-20 10:00", "2025-10-17 10:00")]
    [InlineData("2026-03-31 10:00", 5, "2026-04-09 10:00", "2026-04-08 10:00")] // over Easter
    [InlineData("2025-10-13 10:00", 1, "2025-10-14 10:00", "2025-10-13 10:00")]
    public void Sip_FirstMeetingIsDueWithinWorkingDays(string openedAt, int days, string due, string reminder)
    {
        var trigger = Trigger(CaseKind.Sip, basis: new LegalBasis(LegalBasisKind.Consent, "samtycke-1", At(openedAt)));
        var context = Ctx(openedAt) with { Work = Policy with { SipFirstMeetingWorkingDays = days } };

        var sip = CaseDecisions.Open(null, trigger, context).NewState!.Sip!;

        sip.FirstMeetingDueAt.ShouldBe(At(due));
        sip.ReminderAt.ShouldBe(At(reminder));
        sip.Consent.ShouldBe("samtycke-1");
    }

    [Fact]
    public void Sip_PlanAgreedNeedsOverallResponsibility_AndTheHeldMeetingStopsTheDeadline()
    {
        var trigger = Trigger(CaseKind.Sip, basis: new LegalBasis(LegalBasisKind.Consent, "samtycke-1", At("2025-10-13 10:00")));
        var state = CaseDecisions.Open(null, trigger, Ctx("2025-10-13 10:00")).NewState!;
        state = CaseWorkDecisions.ScheduleMeeting(state, At("2025-10-15 10:00"), "SIP", Counselling, Ctx("2025-10-13 11:00")).NewState!;
        var record = new MeetingRecord { Attendees = [new MeetingAttendee(SchoolOrganisation, Agency.School)], PlanAgreed = true };

        CaseWorkDecisions.RecordMeetingHeld(state, "m1", record, Counselling, Ctx("2025-10-15 12:00")).Error!.Fields.ShouldContain(f => f.Field == "overallResponsible");
        var held = CaseWorkDecisions.RecordMeetingHeld(state, "m1", record with { OverallResponsible = Counsellor }, Counselling, Ctx("2025-10-15 12:00"));

        held.NewState!.Plan.OverallResponsible.ShouldBe(Counsellor);
        held.NewState.Sip!.FirstMeetingHeldAt.ShouldBe(At("2025-10-15 12:00"));
        held.Timers.ShouldContain(TimerInstruction.Cancel("sip"));
        CaseWorkDecisions.TimerDue(held.NewState, "sip", Ctx("2025-10-20 10:00")).Alerts.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("2081", false, true)] // same municipality: follows
    [InlineData("0180", true, true)] // another municipality with consent: follows
    [InlineData("0180", false, false)] // another municipality without consent: stays, nothing disclosed
    public void ChildChangedSchool_TheCaseFollowsOnlyAsTheDisclosureRulesAllow(string municipality, bool consent, bool follows)
    {
        var state = Opened();
        var to = School() with { Id = SchoolB, Municipality = new MunicipalityCode(municipality), StudentHealthTeam = new TeamId("eht-school-b") };

        var decision = CaseWorkDecisions.ChildChangedSchool(state, to, consent, Ctx("2025-10-14 09:00"));

        decision.NewState!.Timeline[^1].Kind.ShouldBe(TimelineEntryKind.SchoolChanged);
        decision.NewState.Timeline[^1].Fact(TimelineFacts.To).ShouldBe(follows ? SchoolB.Value : TimelineFacts.Elsewhere);
        if (follows)
        {
            decision.NewState.School.ShouldBe(SchoolB);
            decision.NewState.Municipality!.Value.Value.ShouldBe(municipality);
            decision.NewState.Participants.ShouldContain(p => p.Who == ParticipantRef.ForTeam(new TeamId("eht-school-b")));
            decision.NewState.Participants.ShouldNotContain(p => p.Who == ParticipantRef.ForTeam(StudentHealthTeam));
            decision.Alerts.ShouldContain(a => a.Recipient == AlertRecipient.ToTeam(new TeamId("eht-school-b")) && a.Kind == AlertKind.CaseHandedOver);
        }
        else
        {
            decision.NewState.School.ShouldBe(SchoolA);
            decision.NewState.Participants.ShouldBe(state.Participants);
            decision.Alerts.ShouldNotContain(a => a.Recipient == AlertRecipient.ToTeam(new TeamId("eht-school-b")));
        }
    }

    [Fact]
    public void ClosedCase_RefusesWork_AndItsTimersDoNothing()
    {
        var closed = InStatus(CaseStatus.Closed);

        CaseWorkDecisions.ScheduleMeeting(closed, At("2025-10-20 10:00"), null, Counselling, Ctx("2025-10-14 09:00")).Error!.Code.ShouldBe(CaseErrors.Closed);
        CaseWorkDecisions.TimerDue(closed, "action:a1", Ctx("2025-10-20 10:00")).IsUnchanged.ShouldBeTrue();
    }
}
