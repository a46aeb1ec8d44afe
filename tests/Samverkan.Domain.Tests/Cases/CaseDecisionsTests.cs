using Samverkan.Domain.Cases;
using Samverkan.Domain.Cases.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.Cases.CaseTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Cases;

public class CaseDecisionsTests
{
    [Fact]
    public void Open_IncludesTheStudentHealthTeamAndNamedPersonButNotSocialServicesWithoutBasis()
    {
        var decision = CaseDecisions.Open(null, Trigger(), CaseContextAt(At("2025-10-10 10:00")));

        var state = decision.NewState!;
        state.Status.ShouldBe(CaseStatus.Open);
        state.Participants.Select(p => (p.Who, p.Role)).ShouldBe(
        [
            (ParticipantRef.ForTeam(StudentHealthTeam), CaseParticipantRole.StudentHealthTeam),
            (ParticipantRef.ForStaff(Principal), CaseParticipantRole.NamedPerson),
        ]);
        state.ProposedLead.ShouldBe(ParticipantRef.ForStaff(Principal));
        state.AcknowledgementDueAt.ShouldBe(At("2025-10-13 10:00"));
        decision.Timers.ShouldBe([TimerInstruction.Set(TimerNames.AcknowledgementDeadline, At("2025-10-13 10:00"))]);
        decision.Alerts.Select(a => a.Recipient).ShouldBe([AlertRecipient.ToTeam(StudentHealthTeam), AlertRecipient.ToStaff(Principal)]);
        decision.Events.OfType<CaseOpened>().ShouldHaveSingleItem();
        decision.Events.OfType<SocialServicesNotIncluded>().ShouldHaveSingleItem();
        state.Timeline.Select(t => t.Kind).ShouldBe([TimelineEntryKind.Opened, TimelineEntryKind.SocialServicesNotIncluded]);

        // The facts a reader words the entries from, in any language.
        var opened = state.Timeline[0];
        opened.Fact(TimelineFacts.Kind).ShouldBe(state.Kind.ToString());
        opened.Fact(TimelineFacts.Severity).ShouldBe(state.Severity.ToString());
        opened.Fact(TimelineFacts.Due).ShouldBe(TimelineFacts.Instant(At("2025-10-13 10:00")));
        state.Timeline[1].Fact(TimelineFacts.Reason).ShouldBe(TimelineFacts.NoBasis);
    }

    [Fact]
    public void Open_AWatchSignalIncludesSocialServicesAndProposesTheWatchOwnerAsLead()
    {
        var basis = new LegalBasis(LegalBasisKind.Watch, "c1", At("2025-09-01 10:00"));
        var trigger = Trigger(CaseKind.WatchSignal, Severity.High, basis: basis) with { WatchOwner = ContactBo };

        var state = CaseDecisions.Open(null, trigger, CaseContextAt(At("2025-10-10 10:00"))).NewState!;

        state.Participants.Where(p => p.Agency == Agency.SocialServices).Select(p => (p.Who, p.Role)).ShouldBe(
        [
            (ParticipantRef.ForTeam(SocialServicesTeam), CaseParticipantRole.SocialServicesTeam),
            (ParticipantRef.ForStaff(ContactBo), CaseParticipantRole.WatchOwner),
            (ParticipantRef.ForStaff(ContactAnna), CaseParticipantRole.SocialServicesContact),
        ]);
        state.Participants.Where(p => p.Agency == Agency.SocialServices).ShouldAllBe(p => p.Basis == basis);
        state.LegalBases.ShouldBe([basis]);
        state.ProposedLead.ShouldBe(ParticipantRef.ForStaff(ContactBo));
        state.Severity.ShouldBe(Severity.High);
    }

    [Fact]
    public void Open_WithNoOneToInvolveAlertsTheCoordinators()
    {
        var school = School() with { StudentHealthTeam = null };
        var trigger = Trigger() with { NamedPerson = null };

        var decision = CaseDecisions.Open(null, trigger, CaseContextAt(At("2025-10-10 10:00"), school));

        decision.NewState!.Participants.ShouldBeEmpty();
        decision.Alerts.Single().Recipient.ShouldBe(AlertRecipient.ToTeam(Coordinators));
    }

    [Fact]
    public void Open_ReplayingTheTriggerChangesNothing()
    {
        var state = Opened();

        var replay = CaseDecisions.Open(state, Trigger(), CaseContextAt(At("2025-10-10 11:00")));

        replay.IsUnchanged.ShouldBeTrue();
        replay.NewState.ShouldBeSameAs(state);
        replay.Events.ShouldBeEmpty();
    }

    [Fact]
    public void AddEvidence_AppendsToTheCaseInsteadOfOpeningAnother()
    {
        var state = Opened();

        var decision = CaseDecisions.AddEvidence(state, Trigger(triggerId: "t2") with { Action = CaseTriggerAction.AddEvidence }, CaseContextAt(At("2025-10-11 10:00")));

        decision.NewState!.Id.ShouldBe(state.Id);
        decision.NewState.Evidence.Select(e => e.TriggerId).ShouldBe(["t1", "t2"]);
        decision.Events.OfType<CaseEvidenceAdded>().ShouldHaveSingleItem();
        decision.Alerts.ShouldAllBe(a => a.Kind == AlertKind.CaseEvidenceAdded);
    }

    [Fact]
    public void AddEvidence_AnUrgentSignalRaisesSeverityAndBringsTheDeadlineForward()
    {
        var state = Opened("2025-10-10 10:00");

        var decision = CaseDecisions.AddEvidence(state, Trigger(severity: Severity.Urgent, triggerId: "t2"), CaseContextAt(At("2025-10-10 12:00")));

        decision.NewState!.Severity.ShouldBe(Severity.Urgent);
        decision.NewState.AcknowledgementDueAt.ShouldBe(At("2025-10-10 16:00"));
        decision.Timers.ShouldBe([TimerInstruction.Set(TimerNames.AcknowledgementDeadline, At("2025-10-10 16:00"))]);
        decision.Events.OfType<CaseSeverityRaised>().Single().To.ShouldBe(Severity.Urgent);
    }

    [Fact]
    public void AddEvidence_ANewLegalBasisBringsInSocialServices()
    {
        var state = Opened();
        var consent = new LegalBasis(LegalBasisKind.Consent, "consent-1", At("2025-10-01 00:00"));

        var decision = CaseDecisions.AddEvidence(state, Trigger(triggerId: "t2", basis: consent), CaseContextAt(At("2025-10-11 10:00")));

        decision.Events.OfType<CaseParticipantAdded>().Select(e => e.Participant.Who).ShouldBe(
            [ParticipantRef.ForTeam(SocialServicesTeam), ParticipantRef.ForStaff(ContactAnna), ParticipantRef.ForStaff(ContactBo)]);
        decision.NewState!.Participants.Length.ShouldBe(5);
    }

    [Fact]
    public void AddEvidence_AClosedCaseRefusesSoTheChildOpensANewOne()
    {
        var closed = InStatus(CaseStatus.Closed);

        var decision = CaseDecisions.AddEvidence(closed, Trigger(triggerId: "t9"), CaseContextAt(At("2025-10-20 10:00")));

        decision.Error!.Code.ShouldBe(CaseErrors.Closed);
        decision.NewState.ShouldBeSameAs(closed);
    }

    [Fact]
    public void AddEvidence_ForAnotherCaseIsRefused() =>
        CaseDecisions.AddEvidence(Opened(), Trigger(triggerId: "t2", caseId: "other-case"), CaseContextAt(At("2025-10-11 10:00"))).Error!.Code.ShouldBe(CaseErrors.WrongCase);

    [Theory]
    [InlineData("2025-10-13 09:59", false)]
    [InlineData("2025-10-13 10:00", false)]
    [InlineData("2025-10-13 10:01", true)]
    public void Acknowledge_RecordsWhoAndWhetherLate(string at, bool late)
    {
        var decision = CaseDecisions.Acknowledge(Opened("2025-10-10 10:00"), Member, CaseContextAt(At(at)));

        decision.NewState!.Status.ShouldBe(CaseStatus.Acknowledged);
        decision.NewState.Acknowledgement.ShouldBe(new CaseAcknowledgement(Counsellor, At(at), late));
        decision.Timers.ShouldBe([TimerInstruction.Cancel(TimerNames.AcknowledgementDeadline)]);
    }

    [Fact]
    public void Acknowledge_ANonParticipantIsRefused()
    {
        var decision = CaseDecisions.Acknowledge(Opened(), Stranger, CaseContextAt(At("2025-10-10 11:00")));

        decision.Error!.Code.ShouldBe(CaseErrors.NotParticipant);
        decision.NewState!.Status.ShouldBe(CaseStatus.Open);
    }

    [Fact]
    public void Acknowledge_ANamedPersonCanAcknowledgeAndASecondAcknowledgementChangesNothing()
    {
        var first = CaseDecisions.Acknowledge(Opened(), NamedPersonStaff, CaseContextAt(At("2025-10-10 11:00")));

        var second = CaseDecisions.Acknowledge(first.NewState!, Member, CaseContextAt(At("2025-10-10 12:00")));

        second.IsUnchanged.ShouldBeTrue();
        second.NewState!.Acknowledgement!.By.ShouldBe(Principal);
    }

    [Fact]
    public void Acknowledge_AnAcknowledgedCase_IsStillRefusedToANonParticipant()
    {
        var acknowledged = CaseDecisions.Acknowledge(Opened(), Member, CaseContextAt(At("2025-10-10 11:00"))).NewState!;

        var decision = CaseDecisions.Acknowledge(acknowledged, Stranger, CaseContextAt(At("2025-10-10 12:00")));

        decision.Error!.Code.ShouldBe(CaseErrors.NotParticipant);
        decision.IsUnchanged.ShouldBeFalse();
    }

    [Fact]
    public void AcknowledgementDeadlinePassed_EscalatesOnceAndOnlyWhenDue()
    {
        var state = Opened("2025-10-10 10:00");

        var early = CaseDecisions.AcknowledgementDeadlinePassed(state, CaseContextAt(At("2025-10-13 09:00")));
        var due = CaseDecisions.AcknowledgementDeadlinePassed(state, CaseContextAt(At("2025-10-13 10:00")));
        var again = CaseDecisions.AcknowledgementDeadlinePassed(due.NewState!, CaseContextAt(At("2025-10-13 11:00")));
        var acknowledged = CaseDecisions.AcknowledgementDeadlinePassed(CaseDecisions.Acknowledge(state, Member, CaseContextAt(At("2025-10-11 10:00"))).NewState!, CaseContextAt(At("2025-10-13 10:00")));

        early.Events.ShouldBeEmpty();
        early.Timers.ShouldBe([TimerInstruction.Set(TimerNames.AcknowledgementDeadline, At("2025-10-13 10:00"))]);
        due.NewState!.AcknowledgementOverdue.ShouldBeTrue();
        due.Events.OfType<CaseAcknowledgementOverdue>().ShouldHaveSingleItem();
        due.Alerts.Select(a => a.Recipient).ShouldBe(
            [AlertRecipient.ToTeam(StudentHealthTeam), AlertRecipient.ToStaff(Principal), AlertRecipient.ToTeam(Coordinators)]);
        again.IsUnchanged.ShouldBeTrue();
        acknowledged.IsUnchanged.ShouldBeTrue();
    }

    [Fact]
    public void RecordDecisionNotToAct_IsRecordedAsTheOutcomeAndClosesTheCase()
    {
        var decision = CaseDecisions.RecordDecisionNotToAct(Opened(), Member, "Frånvaron förklaras av sjukdom; hemmet har kontakt med BVC.", CaseContextAt(At("2025-10-11 10:00")));

        var state = decision.NewState!;
        state.DecisionNotToAct.ShouldBe(new DecisionNotToAct(Counsellor, Agency.School, At("2025-10-11 10:00"), "Frånvaron förklaras av sjukdom; hemmet har kontakt med BVC."));
        state.Status.ShouldBe(CaseStatus.Closed);
        state.Closure!.Reason.ShouldBe(CloseReason.DecidedNotToAct);
        decision.Events.Select(e => e.GetType().Name).ShouldBe(["DecisionNotToActRecorded", "CaseStatusChanged", "CaseClosed"]);
        decision.Timers.ShouldBe([TimerInstruction.Cancel(TimerNames.AcknowledgementDeadline)]);
    }

    [Theory]
    [InlineData("", CaseErrors.ReasonRequired)]
    [InlineData("Ingen åtgärd", CaseErrors.NotParticipant)]
    public void RecordDecisionNotToAct_NeedsAReasonAndAParticipant(string reason, string code)
    {
        var by = code == CaseErrors.NotParticipant ? Stranger : Member;

        CaseDecisions.RecordDecisionNotToAct(Opened(), by, reason, CaseContextAt(At("2025-10-11 10:00"))).Error!.Code.ShouldBe(code);
    }
}
