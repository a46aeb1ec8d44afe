using Samverkan.Domain.Calendar;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Calendar;

public class SwedishHolidaysTests
{
    [Theory]
    [InlineData(1818, "1818-03-22")]
    [InlineData(1943, "1943-04-25")]
    [InlineData(2008, "2008-03-23")]
    [InlineData(2011, "2011-04-24")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2020, "2020-04-12")]
    [InlineData(2021, "2021-04-04")]
    [InlineData(2022, "2022-04-17")]
    [InlineData(2023, "2023-04-09")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2026, "2026-04-05")]
    [InlineData(2027, "2027-03-28")]
    [InlineData(2038, "2038-04-25")]
    public void EasterSunday_FollowsTheGregorianComputus(int year, string expected) =>
        SwedishHolidays.EasterSunday(year).ShouldBe(D(expected));

    [Theory]
    [InlineData(2022, "2022-06-24")]
    [InlineData(2023, "2023-06-23")]
    [InlineData(2024, "2024-06-21")]
    [InlineData(2025, "2025-06-20")]
    [InlineData(2026, "2026-06-19")]
    [InlineData(2027, "2027-06-25")]
    public void MidsummerEve_IsTheFridayBetween19And25June(int year, string expected)
    {
        SwedishHolidays.MidsummerEve(year).ShouldBe(D(expected));
        SwedishHolidays.MidsummerDay(year).ShouldBe(D(expected).AddDays(1));
    }

    [Theory]
    [InlineData(2024, "2024-11-02")]
    [InlineData(2025, "2025-11-01")]
    [InlineData(2026, "2026-10-31")]
    [InlineData(2027, "2027-11-06")]
    public void AllSaintsDay_IsTheSaturdayBetween31OctoberAnd6November(int year, string expected) =>
        SwedishHolidays.AllSaintsDay(year).ShouldBe(D(expected));

    [Theory]
    [InlineData("2025-01-01", true)] // New Year's Day
    [InlineData("2025-01-06", true)] // Epiphany
    [InlineData("2025-04-18", true)] // Good Friday
    [InlineData("2025-04-21", true)] // Easter Monday
    [InlineData("2025-05-01", true)] // May Day
    [InlineData("2025-05-29", true)] // Ascension Day (Easter + 39)
    [InlineData("2025-06-06", true)] // National Day
    [InlineData("2025-06-08", true)] // Whit Sunday
    [InlineData("2025-06-09", false)] // Whit Monday: no longer a holiday since 2005
    [InlineData("2025-06-20", true)] // Midsummer Eve (de facto)
    [InlineData("2025-12-24", true)] // Christmas Eve (de facto)
    [InlineData("2025-12-26", true)] // Boxing Day
    [InlineData("2025-12-31", true)] // New Year's Eve (de facto)
    [InlineData("2025-04-17", false)] // Maundy Thursday
    [InlineData("2025-05-30", false)] // the day after Ascension (a local "klämdag", not national)
    public void IsHoliday_KnowsTheSwedishHolidays(string date, bool expected) => SwedishHolidays.IsHoliday(D(date)).ShouldBe(expected);

    [Fact]
    public void For_ListsSixteenDaysInOrder()
    {
        var days = SwedishHolidays.For(2026);

        days.Length.ShouldBe(16);
        days.Select(d => d.Date).ShouldBe(days.Select(d => d.Date).Order());
        days.Single(d => d.Key == "ascension-day").Date.ShouldBe(D("2026-05-14"));
        days.Where(d => d.IsDeFacto).Select(d => d.Key).ShouldBe(["midsummer-eve", "christmas-eve", "new-years-eve"]);
    }

    [Theory]
    [InlineData("2025-06-06", false)] // National Day on a Friday
    [InlineData("2025-06-07", false)] // Saturday
    [InlineData("2025-06-09", true)] // Monday
    public void IsWorkingDay_IsAWeekdayThatIsNoHoliday(string date, bool expected) => SwedishHolidays.IsWorkingDay(D(date)).ShouldBe(expected);
}
