using Samverkan.Domain.Concerns;
using static Samverkan.Domain.Tests.Concerns.ConcernTestKit;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Concerns;

public class ConcernReportTests
{
    private static readonly DateTimeOffset Now = At("2025-01-10 10:00");

    [Theory]
    [InlineData("1800-01-01", "TooOld")]
    [InlineData("2023-01-09", "TooOld")]
    [InlineData("2025-01-11", "InFuture")]
    public void Validate_RefusesADateOutsideTheBounds(string date, string code)
    {
        var errors = Report("c1", date).Validate(Now);

        errors.ShouldContain(e => e.Field == "date" && e.Code == code);
    }

    [Theory]
    [InlineData("2023-01-10")]
    [InlineData("2025-01-10")]
    public void Validate_AcceptsADateFromTwoYearsBackToToday(string date)
    {
        Report("c1", date).Validate(Now).ShouldBeEmpty();
        ConcernReport.EarliestDate(D("2025-01-10")).ShouldBe(D("2023-01-10"));
    }
}
