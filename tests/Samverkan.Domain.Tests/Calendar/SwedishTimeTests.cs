using Samverkan.Domain.Calendar;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Calendar;

public class SwedishTimeTests
{
    [Theory]
    [InlineData("2025-03-30T00:59:59Z", 1)]
    [InlineData("2025-03-30T01:00:00Z", 2)]
    [InlineData("2025-07-01T12:00:00Z", 2)]
    [InlineData("2025-10-26T00:59:59Z", 2)]
    [InlineData("2025-10-26T01:00:00Z", 1)]
    [InlineData("2026-01-15T12:00:00Z", 1)]
    public void OffsetAt_FollowsTheEuropeanSummerTimeRule(string utc, int hours) =>
        SwedishTime.OffsetAt(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(TimeSpan.FromHours(hours));

    [Theory]
    [InlineData("2025-06-15T21:59:00Z", "2025-06-15")]
    [InlineData("2025-06-15T22:00:00Z", "2025-06-16")]
    [InlineData("2025-12-31T22:59:00Z", "2025-12-31")]
    [InlineData("2025-12-31T23:00:00Z", "2026-01-01")]
    public void DateOf_IsTheSwedishDate(string utc, string expected) =>
        SwedishTime.DateOf(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(D(expected));

    [Theory]
    [InlineData("2025-06-16", "08:00", "2025-06-16T06:00:00Z")]
    [InlineData("2025-01-10", "08:00", "2025-01-10T07:00:00Z")]
    [InlineData("2025-10-26", "02:30", "2025-10-26T00:30:00Z")]
    public void AtLocal_ConvertsWallClockToAnInstant(string date, string time, string utc) =>
        SwedishTime.AtLocal(D(date), TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime
            .ShouldBe(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
}
