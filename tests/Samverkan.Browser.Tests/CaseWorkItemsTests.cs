using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Dashboard;
using Samverkan.Host.Demo;

namespace Samverkan.Browser.Tests;

/// <summary>What the case page lists of a case's plan and meetings, and the words for case work, without a browser.</summary>
public sealed class CaseWorkItemsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PlanItems_ListOpenActionsFirstByDueDate_AndMarkOverdueOnlyWhileOpen()
    {
        var state = Case() with
        {
            Plan = new JointPlan
            {
                Actions =
                [
                    Action("a1", new DateOnly(2026, 11, 20)) with { Status = PlanActionStatus.Done, OverdueSince = Now.AddDays(-5) },
                    Action("a2", new DateOnly(2026, 12, 10)),
                    Action("a3", new DateOnly(2026, 11, 25)) with { Status = PlanActionStatus.InProgress, OverdueSince = Now.AddDays(-3), EscalatedAt = Now },
                ],
            },
        };

        var items = CaseWorkCommands.PlanItems(state);

        items.Select(i => i.Id).ShouldBe(["a3", "a2", "a1"]);
        items[0].Overdue.ShouldBeTrue();
        items[0].Escalated.ShouldBeTrue();
        items[1].Overdue.ShouldBeFalse();
        items[2].Overdue.ShouldBeFalse();
        items[2].Done.ShouldBeTrue();
        items[1].Owner.ShouldBe("karin.kurator");
    }

    [Fact]
    public void MeetingItems_ListScheduledSoonestFirst_ThenHeldLatestFirst()
    {
        var state = Case() with
        {
            Meetings =
            [
                Meeting("m1", Now.AddDays(-20)) with { Status = MeetingStatus.Held, HeldAt = Now.AddDays(-20), Decisions = ["Anpassa schemat"] },
                Meeting("m2", Now.AddDays(9)),
                Meeting("m3", Now.AddDays(-2)) with { Status = MeetingStatus.Held, HeldAt = Now.AddDays(-2), NextFollowUpOn = new DateOnly(2027, 1, 15) },
                Meeting("m4", Now.AddDays(3)),
            ],
        };

        var items = CaseWorkCommands.MeetingItems(state);

        items.Select(i => i.Id).ShouldBe(["m4", "m2", "m3", "m1"]);
        items[2].Held.ShouldBeTrue();
        items[2].NextFollowUpOn.ShouldBe(new DateOnly(2027, 1, 15));
        items[3].Decisions.ShouldBe(["Anpassa schemat"]);
    }

    [Fact]
    public void CaseWorkWords_ExistInBothLanguages()
    {
        foreach (var kind in Enum.GetValues<TimelineEntryKind>())
        {
            DashboardText.Sv.TimelineKind(kind.ToString()).ShouldNotBe(kind.ToString(), $"Swedish for {kind}");
        }

        foreach (var status in Enum.GetValues<PlanActionStatus>())
        {
            DashboardText.Sv.PlanStatus(status.ToString()).ShouldNotBe(status.ToString());
            DashboardText.En.PlanStatus(status.ToString()).ShouldNotBeNullOrWhiteSpace();
        }

        foreach (var key in new[] { "case.action.held", "case.lead.none", "case.plan.overdue", "coord.overduework", "session.expired", "session.signin" })
        {
            DashboardText.Sv[key].ShouldNotBe(key);
            DashboardText.En[key].ShouldNotBe(key);
            DashboardText.En[key].ShouldNotBe(DashboardText.Sv[key]);
        }
    }

    private static CaseState Case() => new()
    {
        Id = new CaseId("case-1"),
        Child = DemoData.ChildKey(1),
        Kind = CaseKind.AbsenceFollowUp,
        Severity = Severity.Normal,
        OpenedAt = Now.AddDays(-30),
        AcknowledgementDueAt = Now.AddDays(-29),
    };

    private static PlanAction Action(string id, DateOnly due) => new()
    {
        Id = id, What = $"Åtgärd {id}", Organisation = new OrganisationId("org-1999-skola"), Agency = Agency.School, Owner = new StaffId("karin.kurator"),
        DueOn = due, AddedAt = Now.AddDays(-10), AddedBy = new StaffId("karin.kurator"),
    };

    private static CaseMeeting Meeting(string id, DateTimeOffset at) => new() { Id = id, ScheduledAt = at, ScheduledBy = new StaffId("karin.kurator") };
}
