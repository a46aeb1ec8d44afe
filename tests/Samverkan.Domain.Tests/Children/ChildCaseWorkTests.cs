using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using static Samverkan.Domain.Tests.Concerns.ConcernTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Children;

public class ChildCaseWorkTests
{
    private static ChildState Reported(string at, CaseWorkPolicy? policy = null)
    {
        var context = Context(At(at)) with { Work = policy ?? CaseWorkPolicy.Default };
        return ChildCaseWork.AfterConcernReported(ChildDecisions.ReportConcern(Child(), Report("c1", at[..10]), context), new ConcernId("c1"), context).NewState;
    }

    [Theory]
    [InlineData("2025-10-13 10:00", 10, 2, "2025-10-27 10:00", "2025-10-23 10:00")]
    [InlineData("2025-12-19 10:00", 10, 2, "2026-01-12 10:00", "2026-01-08 10:00")] // over Christmas, New Year and Epiphany
    [InlineData("2025-10-13 10:00", 1, 0, "2025-10-14 10:00", "2025-10-14 10:00")]
    [InlineData("2025-10-13 10:00", 1, 5, "2025-10-14 10:00", "2025-10-13 10:00")]
    public void ReportOfConcern_OwesTheReporterFeedback_WithinWorkingDays(string at, int days, int reminderBefore, string due, string reminder)
    {
        var feedback = Reported(at, CaseWorkPolicy.Default with { ReporterFeedbackWorkingDays = days, ReporterFeedbackReminderWorkingDays = reminderBefore })
            .ReporterFeedback.ShouldHaveSingleItem();

        feedback.DueAt.ShouldBe(At(due));
        feedback.ReminderAt.ShouldBe(At(reminder));
        feedback.ReportingOrganisation.ShouldBe(Report("c1", "2025-10-13").ReportingOrganisation);
    }

    [Fact]
    public void FeedbackTimer_RemindsSocialServices_ThenOverdueToTheCoordinatorsToo_UntilGiven()
    {
        var state = Reported("2025-10-13 10:00");

        var early = ChildCaseWork.FeedbackTimerDue(state, "feedback:c1", Context(At("2025-10-20 10:00")));
        early.Timers.ShouldBe([TimerInstruction.Set("feedback:c1", At("2025-10-23 10:00"))]);
        early.Alerts.ShouldBeEmpty();

        var reminded = ChildCaseWork.FeedbackTimerDue(state, "feedback:c1", Context(At("2025-10-23 10:00")));
        reminded.Alerts.ShouldAllBe(a => a.Kind == AlertKind.ReporterFeedbackDue);
        reminded.Alerts.Select(a => a.Recipient).ShouldBe([AlertRecipient.ToStaff(ContactAnna), AlertRecipient.ToStaff(ContactBo)]);
        reminded.Timers.ShouldBe([TimerInstruction.Set("feedback:c1", At("2025-10-27 10:00"))]);

        var overdue = ChildCaseWork.FeedbackTimerDue(reminded.NewState, "feedback:c1", Context(At("2025-10-27 10:00")));
        overdue.NewState.ReporterFeedback[0].OverdueAt.ShouldBe(At("2025-10-27 10:00"));
        overdue.Alerts.Select(a => a.Recipient).ShouldContain(AlertRecipient.ToTeam(Coordinators));

        ChildCaseWork.RecordFeedback(overdue.NewState, new ConcernId("c1"), Counsellor, Agency.School, Context(At("2025-10-28 10:00")))
            .Error!.Code.ShouldBe(ChildCaseWorkErrors.NotSocialServices);
        ChildCaseWork.RecordFeedback(overdue.NewState, new ConcernId("c9"), ContactAnna, Agency.SocialServices, Context(At("2025-10-28 10:00")))
            .Error!.Code.ShouldBe(ChildCaseWorkErrors.FeedbackNotFound);
        var given = ChildCaseWork.RecordFeedback(overdue.NewState, new ConcernId("c1"), ContactAnna, Agency.SocialServices, Context(At("2025-10-28 10:00")));
        given.NewState.ReporterFeedback[0].GivenBy.ShouldBe(ContactAnna);
        given.Timers.ShouldBe([TimerInstruction.Cancel("feedback:c1")]);
        ChildCaseWork.FeedbackTimerDue(given.NewState, "feedback:c1", Context(At("2025-10-29 10:00"))).Alerts.ShouldBeEmpty();
    }

    [Fact]
    public void Placement_OpensTheFollowUpCaseWithSocialServices_Once()
    {
        var before = Child();
        var placed = before.Profile! with { PlacedInCare = new CarePlacement(Borlange, D("2025-10-01")) };
        var context = Context(At("2025-10-13 10:00"));

        var decision = ChildCaseWork.AfterProfileUpdated(before, ChildDecisions.UpdateProfile(before, placed, context), context);

        var trigger = decision.CaseTriggers.ShouldHaveSingleItem();
        trigger.Kind.ShouldBe(CaseKind.PlacedChildFollowUp);
        trigger.Placement!.PlacingMunicipality.ShouldBe(Borlange);
        trigger.SocialServicesBases.ShouldContain(b => b.Kind == Domain.Sharing.LegalBasisKind.Statutory);
        var again = ChildCaseWork.AfterProfileUpdated(decision.NewState, ChildDecisions.UpdateProfile(decision.NewState, placed, context), context);
        again.CaseTriggers.ShouldBeEmpty();
    }

    [Fact]
    public void NamedPersonDeactivated_FlagsTheRole_UntilTheRosterNamesANewOne()
    {
        var context = Context(At("2025-10-13 10:00"));
        var manager = new StaffId("staff-manager");

        var flagged = ChildCaseWork.NamedPersonDeactivated(Child(), Principal, manager, context);

        flagged.NewState.NamedPersonVacancy.ShouldBe(new NamedPersonVacancy(Principal, At("2025-10-13 10:00")));
        flagged.Alerts.Select(a => a.Recipient).ShouldBe([AlertRecipient.ToStaff(manager), AlertRecipient.ToTeam(StudentHealthTeam), AlertRecipient.ToTeam(Coordinators)]);
        ChildCaseWork.NamedPersonDeactivated(Child(), Counsellor, manager, context).Alerts.ShouldBeEmpty("not the named person");
        var renamed = flagged.NewState.Profile! with { NamedPerson = new NamedPerson(Counsellor, Agency.School) };
        ChildCaseWork.AfterProfileUpdated(flagged.NewState, ChildDecisions.UpdateProfile(flagged.NewState, renamed, context), context)
            .NewState.NamedPersonVacancy.ShouldBeNull();
    }
}
