using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Cases;

public class AcknowledgementDeadlineTests
{
    [Theory]
    [InlineData("2025-09-10 14:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2025-09-11 14:00")] // Wednesday → Thursday
    [InlineData("2025-09-12 14:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2025-09-15 14:00")] // Friday → Monday
    [InlineData("2025-09-13 10:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2025-09-15 10:00")] // Saturday → Monday
    [InlineData("2025-10-24 10:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2025-11-03 10:00")] // over the autumn break
    [InlineData("2026-04-02 10:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2026-04-13 10:00")] // Maundy Thursday, over Easter
    [InlineData("2026-05-13 10:00", CaseKind.AbsenceFollowUp, Severity.High, "2026-05-15 10:00")] // over Ascension Day
    [InlineData("2025-10-24 10:00", CaseKind.WatchSignal, Severity.High, "2025-10-27 10:00")] // social services: working days
    [InlineData("2025-12-23 10:00", CaseKind.ConcernFollowUp, Severity.Normal, "2025-12-29 10:00")] // over Christmas
    [InlineData("2025-07-10 10:00", CaseKind.AbsenceFollowUp, Severity.Normal, "2025-08-18 10:00")] // summer: the first school day
    [InlineData("2025-10-24 22:30", CaseKind.AbsenceFollowUp, Severity.Urgent, "2025-10-25 02:30")] // urgent: four hours
    [InlineData("2025-10-26 01:30", CaseKind.WatchSignal, Severity.Urgent, "2025-10-26 04:30")] // four real hours over the DST change
    public void Compute_CountsSchoolOrWorkingDaysOrHours(string openedAt, CaseKind kind, Severity severity, string expected)
    {
        var opened = At(openedAt);
        var due = AcknowledgementDeadline.Compute(opened, severity, kind, DefaultCalendar, AcknowledgementPolicy.Default);

        if (severity == Severity.Urgent)
        {
            (due - opened).ShouldBe(TimeSpan.FromHours(4));
        }
        else
        {
            due.ShouldBe(At(expected));
        }
    }

    [Fact]
    public void Compute_WithoutACalendarUsesWorkingDays() =>
        AcknowledgementDeadline.Compute(At("2025-10-24 10:00"), Severity.Normal, CaseKind.AbsenceFollowUp, null, AcknowledgementPolicy.Default)
            .ShouldBe(At("2025-10-27 10:00"));

    [Fact]
    public void Compute_HonoursAConfiguredNumberOfDays() =>
        AcknowledgementDeadline.Compute(At("2025-09-12 14:00"), Severity.Normal, CaseKind.AbsenceFollowUp, DefaultCalendar, AcknowledgementPolicy.Default with { Days = 3 })
            .ShouldBe(At("2025-09-17 14:00"));

    [Fact]
    public void Compute_PastTheCalendarFallsBackToWorkingDays()
    {
        var shortCalendar = SchoolCalendar.SwedishDefault(Borlange, 2025, 2025);

        AcknowledgementDeadline.Compute(At("2026-06-12 10:00"), Severity.Normal, CaseKind.AbsenceFollowUp, shortCalendar, AcknowledgementPolicy.Default)
            .ShouldBe(At("2026-06-15 10:00"));
    }
}
