using System.Globalization;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Rules;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Children;

public class ChildDecisionsTests
{
    private static List<AbsenceRegistration> AbsentOnFirstDays(ChildState child, string from, string to, int absentDays) =>
        [.. SchoolDays(from, to).Select((d, i) => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), unexcused: i < absentDays ? 300 : 0, reportedAt: $"{to} 16:00"))];

    [Fact]
    public void RegisterAbsence_OpensOneCaseWithADeterministicId()
    {
        var child = Child();

        var decision = ChildDecisions.RegisterAbsence(child, AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));

        var trigger = decision.CaseTriggers.Single();
        trigger.Action.ShouldBe(CaseTriggerAction.OpenCase);
        trigger.Case.ShouldBe(new CaseId($"{child.Key.Value}-1"));
        trigger.TriggerId.ShouldBe($"{child.Key.Value}/t1");
        trigger.Kind.ShouldBe(CaseKind.AbsenceFollowUp);
        trigger.School.ShouldBe(SchoolA);
        trigger.NamedPerson!.Staff.ShouldBe(Principal);
        decision.NewState.OpenCases.ShouldBe([new CaseRef(trigger.Case, CaseKind.AbsenceFollowUp, CaseStatus.Open, At("2025-10-10 18:00"))]);
        decision.Events.OfType<AbsenceRecorded>().Single().Added.ShouldBe(20);
    }

    [Fact]
    public void RegisterAbsence_SeveralRulesFiringTogetherShareOneTrigger()
    {
        var child = Child();

        var decision = ChildDecisions.RegisterAbsence(child, AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 20), Context(At("2025-10-10 18:00")));

        decision.CaseTriggers.Single().Firings.Select(f => f.Rule).ShouldBe([RuleIds.TotalAbsence, RuleIds.ConsecutiveAbsence, RuleIds.UnexcusedAbsence]);
    }

    [Fact]
    public void RegisterAbsence_AnotherFiringWhileTheCaseIsOpenAddsEvidenceInsteadOfADuplicate()
    {
        var child = Child();
        var first = ChildDecisions.RegisterAbsence(child, AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));

        // A week later, ten consecutive absent days fire another rule.
        var later = SchoolDays("2025-10-13", "2025-10-24").Select(d => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), excused: 300, reportedAt: "2025-10-24 16:00")).ToList();
        var second = ChildDecisions.RegisterAbsence(first.NewState, later, Context(At("2025-10-24 18:00")));

        var trigger = second.CaseTriggers.Single();
        trigger.Action.ShouldBe(CaseTriggerAction.AddEvidence);
        trigger.Case.ShouldBe(first.CaseTriggers.Single().Case);
        trigger.Firings.Select(f => f.Rule).ShouldContain(RuleIds.ConsecutiveAbsence);
        second.NewState.OpenCases.Length.ShouldBe(1);
        second.NewState.CaseSequence.ShouldBe(1);
    }

    [Fact]
    public void RegisterAbsence_AfterTheCaseClosedANewCaseOpens()
    {
        var child = Child();
        var first = ChildDecisions.RegisterAbsence(child, AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));
        var caseId = first.CaseTriggers.Single().Case;
        var closed = ChildDecisions.RecordCaseStatus(first.NewState, caseId, CaseKind.AbsenceFollowUp, CaseStatus.Closed).NewState;

        var later = SchoolDays("2025-10-13", "2025-10-24").Select(d => Registration(child.Key, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), excused: 300, reportedAt: "2025-10-24 16:00")).ToList();
        var second = ChildDecisions.RegisterAbsence(closed, later, Context(At("2025-10-24 18:00")));

        var trigger = second.CaseTriggers.Single();
        trigger.Action.ShouldBe(CaseTriggerAction.OpenCase);
        trigger.Case.ShouldBe(new CaseId($"{child.Key.Value}-2"));
    }

    [Fact]
    public void RecordCaseStatus_TracksTheStatusOfOpenCases()
    {
        var first = ChildDecisions.RegisterAbsence(Child(), AbsentOnFirstDays(Child(), "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));
        var caseId = first.CaseTriggers.Single().Case;

        var active = ChildDecisions.RecordCaseStatus(first.NewState, caseId, CaseKind.AbsenceFollowUp, CaseStatus.Active).NewState;
        var unknown = ChildDecisions.RecordCaseStatus(active, new CaseId("other"), CaseKind.Sip, CaseStatus.Active).NewState;

        active.OpenCases.Single().Status.ShouldBe(CaseStatus.Active);
        unknown.ShouldBeSameAs(active);
    }

    [Fact]
    public void RerouteTrigger_OpensANewCaseWhenTheOldOneClosedMeanwhile()
    {
        var first = ChildDecisions.RegisterAbsence(Child(), AbsentOnFirstDays(Child(), "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));
        var refused = first.CaseTriggers.Single() with { Action = CaseTriggerAction.AddEvidence };

        var rerouted = ChildDecisions.RerouteTrigger(first.NewState, refused, Context(At("2025-10-11 09:00")));

        var trigger = rerouted.CaseTriggers.Single();
        trigger.Action.ShouldBe(CaseTriggerAction.OpenCase);
        trigger.Case.ShouldNotBe(refused.Case);
        trigger.Firings.ShouldBe(refused.Firings);
        rerouted.NewState.OpenCases.Select(c => c.Case).ShouldBe([trigger.Case]);
    }

    [Fact]
    public void RegisterAbsence_RefusesRegistrationsForAnotherChildOrSchool()
    {
        var child = Child();
        var registrations = new[]
        {
            Registration(child.Key, "2025-10-06", unexcused: 60),
            Registration(Key("someoneelse"), "2025-10-06", unexcused: 60),
            Registration(child.Key, "2025-10-06", unexcused: 60, id: "other-school") with { School = SchoolB },
            Registration(child.Key, "2025-10-06", offered: 10, unexcused: 60, id: "bad-minutes"),
        };

        var decision = ChildDecisions.RegisterAbsence(child, registrations, Context(At("2025-10-10 18:00")));

        decision.Registrations.Select(r => (r.Index, r.Kind)).ShouldBe(
        [
            (0, RegistrationOutcomeKind.Added),
            (1, RegistrationOutcomeKind.Rejected),
            (2, RegistrationOutcomeKind.Rejected),
            (3, RegistrationOutcomeKind.Rejected),
        ]);
        decision.Registrations[1].Errors.Single().Code.ShouldBe(ChildErrors.WrongChild);
        decision.Registrations[2].Errors.Single().Code.ShouldBe(ChildErrors.NotEnrolled);
        decision.Registrations[3].Errors.Single().Code.ShouldBe("MinutesExceedOffered");
        decision.NewState.Absence.TotalsOn(D("2025-10-06")).Unexcused.ShouldBe(60);
    }

    [Fact]
    public void RegisterAbsence_AChildNotOnTheRosterIsNotEnrolled()
    {
        var unknown = ChildState.New(Key("unknown"));

        var decision = ChildDecisions.RegisterAbsence(unknown, [Registration(unknown.Key, "2025-10-06", unexcused: 60)], Context(At("2025-10-10 18:00")));

        decision.Registrations.Single().Errors.Single().Code.ShouldBe(ChildErrors.NotEnrolled);
    }

    [Fact]
    public void RegisterAbsence_InOrderAndOutOfOrderGiveTheSameState()
    {
        var child = Child();
        var registrations = AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 3)
            .Concat(AbsentOnFirstDays(child, "2025-09-15", "2025-09-19", 2).Select(r => r with { ExcusedMinutes = r.UnexcusedMinutes, UnexcusedMinutes = 0, ReportedAt = At("2025-10-10 17:00") }))
            .ToList();
        var random = new Random(17);

        var inOrder = ChildDecisions.RegisterAbsence(child, registrations, Context(At("2025-10-10 18:00")));
        for (var round = 0; round < 50; round++)
        {
            var state = child;
            foreach (var batch in registrations.OrderBy(_ => random.Next()).Chunk(random.Next(1, 8)))
            {
                state = ChildDecisions.RegisterAbsence(state, batch, Context(At("2025-10-10 18:00"))).NewState;
            }

            Json(state.Absence).ShouldBe(Json(inOrder.NewState.Absence), $"round {round}");
        }
    }

    [Fact]
    public void UpdateProfile_RecordsChangesOnlyAndRefusesAnotherChild()
    {
        var child = Child();
        var moved = Profile(child.Key) with { Enrolments = [new Enrolment(SchoolA, D("2019-08-01"), D("2025-10-31")), new Enrolment(SchoolB, D("2025-11-01"))] };

        var same = ChildDecisions.UpdateProfile(child, Profile(child.Key), Context(At("2025-10-10 18:00")));
        var changed = ChildDecisions.UpdateProfile(child, moved, Context(At("2025-10-10 18:00")));
        var wrong = ChildDecisions.UpdateProfile(child, Profile(Key("other")), Context(At("2025-10-10 18:00")));

        same.Events.ShouldBeEmpty();
        changed.Events.OfType<ChildProfileUpdated>().ShouldHaveSingleItem();
        changed.NewState.Profile!.EnrolmentAt(D("2025-11-03"))!.School.ShouldBe(SchoolB);
        changed.NewState.Profile.IsEnrolledAt(SchoolA, D("2025-11-03")).ShouldBeFalse();
        wrong.Error!.Code.ShouldBe(ChildErrors.WrongChild);
    }

    [Fact]
    public void Evaluate_ReArmsAsTheWindowMovesWithoutNewRegistrations()
    {
        // Absent 15-18 September; the rule fires on 10 October (window 15 Sep - 10 Oct, 20 %).
        var child = Child();
        var fired = ChildDecisions.RegisterAbsence(child, AbsentOnFirstDays(child, "2025-09-15", "2025-10-10", 4), Context(At("2025-10-10 18:00")));

        // 13 October: window 16 Sep - 13 Oct, 900 of 5700 registered minutes = 15.8 %, inside the band.
        var monday = ChildDecisions.Evaluate(fired.NewState, Context(At("2025-10-13 18:00")));
        // 17 October: window 22 Sep - 17 Oct, no absence left: below 15 %.
        var friday = ChildDecisions.Evaluate(monday.NewState, Context(At("2025-10-17 18:00")));

        fired.Events.OfType<RuleFired>().Select(e => e.Firing.Rule).ShouldBe([RuleIds.TotalAbsence]);
        monday.Events.ShouldBeEmpty();
        friday.Events.OfType<RuleRearmed>().Select(e => e.Rule).ShouldBe([RuleIds.TotalAbsence]);
        friday.CaseTriggers.ShouldBeEmpty();
    }
}
