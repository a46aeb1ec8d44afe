using Samverkan.Domain.Calendar;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Calendar;

public class SchoolCalendarTests
{
    [Theory]
    [InlineData("2025-08-18", true)] // first day of the autumn term (Monday, ISO week 34)
    [InlineData("2025-08-15", false)] // summer break
    [InlineData("2025-08-23", false)] // Saturday
    [InlineData("2025-10-24", true)] // Friday before the autumn break
    [InlineData("2025-10-27", false)] // autumn break, ISO week 44
    [InlineData("2025-10-31", false)] // autumn break
    [InlineData("2025-11-03", true)]
    [InlineData("2025-12-19", true)] // last day of the autumn term
    [InlineData("2025-12-22", false)] // Christmas, between the terms
    [InlineData("2026-01-06", false)] // Epiphany, between the terms
    [InlineData("2026-01-08", true)] // first day of the spring term
    [InlineData("2026-02-23", false)] // sportlov, ISO week 9
    [InlineData("2026-04-02", true)] // Maundy Thursday
    [InlineData("2026-04-03", false)] // Good Friday
    [InlineData("2026-04-06", false)] // Easter Monday
    [InlineData("2026-04-10", false)] // Easter break to the Friday after
    [InlineData("2026-04-13", true)]
    [InlineData("2026-05-01", false)] // May Day on a Friday
    [InlineData("2026-05-14", false)] // Ascension Day
    [InlineData("2026-05-15", true)]
    [InlineData("2026-06-12", true)] // last day of the spring term (Friday of ISO week 24)
    [InlineData("2026-06-15", false)] // summer
    [InlineData("2029-01-10", false)] // outside the configured years
    public void IsSchoolDay_ExcludesWeekendsHolidaysBreaksAndDaysBetweenTerms(string date, bool expected) =>
        DefaultCalendar.IsSchoolDay(D(date)).ShouldBe(expected);

    [Fact]
    public void SwedishDefault_HasTheDocumentedTerms()
    {
        var year = SchoolCalendarDefinition.SwedishDefault(Borlange, 2025, 2025).Years.Single();

        year.AutumnTerm.ShouldBe(new DateRange(D("2025-08-18"), D("2025-12-19")));
        year.SpringTerm.ShouldBe(new DateRange(D("2026-01-08"), D("2026-06-12")));
        year.Label.ShouldBe("2025/26");
    }

    [Fact]
    public void LastSchoolDays_ExtendsOverABreak()
    {
        var days = DefaultCalendar.LastSchoolDays(D("2025-11-04"), 3);

        days.ShouldBe([D("2025-10-24"), D("2025-11-03"), D("2025-11-04")]);
    }

    [Fact]
    public void LastSchoolDays_IncludesTheDayItselfOnlyWhenItIsASchoolDay()
    {
        DefaultCalendar.LastSchoolDays(D("2025-09-13"), 1).ShouldBe([D("2025-09-12")]);
        DefaultCalendar.LastSchoolDays(D("2025-09-12"), 1).ShouldBe([D("2025-09-12")]);
    }

    [Theory]
    [InlineData("2025-09-15", "2025-09-19", 5)]
    [InlineData("2025-09-13", "2025-09-14", 0)] // a weekend
    [InlineData("2026-05-11", "2026-05-15", 4)] // Ascension week
    [InlineData("2025-10-20", "2025-11-07", 10)] // over the autumn break
    [InlineData("2025-09-19", "2025-09-15", 0)] // reversed
    public void CountSchoolDays_CountsBothEnds(string from, string to, int expected)
    {
        DefaultCalendar.CountSchoolDays(D(from), D(to)).ShouldBe(expected);
        DefaultCalendar.SchoolDaysBetween(D(from), D(to)).Length.ShouldBe(expected);
    }

    [Theory]
    [InlineData("2025-12-19", "2026-01-08")]
    [InlineData("2025-10-24", "2025-11-03")]
    [InlineData("2026-04-02", "2026-04-13")]
    public void NextSchoolDay_SkipsBreaksAndHolidays(string from, string expected) =>
        DefaultCalendar.NextSchoolDay(D(from)).ShouldBe(D(expected));

    [Fact]
    public void PreviousSchoolDay_IsStrictlyBefore() => DefaultCalendar.PreviousSchoolDay(D("2025-11-03")).ShouldBe(D("2025-10-24"));

    [Theory]
    [InlineData("2025-10-28", "2025/26-autumn", "2025/26-autumn")] // a break inside the term
    [InlineData("2025-12-28", null, "2025/26-autumn")] // between the terms
    [InlineData("2026-07-10", null, "2025/26-spring")] // summer
    [InlineData("2026-01-08", "2025/26-spring", "2025/26-spring")]
    public void Terms_AnswerWhetherADateIsInATerm(string date, string? containing, string currentOrPrevious)
    {
        DefaultCalendar.TermContaining(D(date))?.Key.ShouldBe(containing);
        DefaultCalendar.IsInTerm(D(date)).ShouldBe(containing is not null);
        DefaultCalendar.CurrentOrPreviousTerm(D(date))!.Key.ShouldBe(currentOrPrevious);
    }

    [Fact]
    public void Create_RefusesOverlappingTerms()
    {
        var definition = SchoolCalendarDefinition.SwedishDefault(Borlange, 2025, 2025);
        var broken = definition with
        {
            Years = [definition.Years[0] with { SpringTerm = new DateRange(D("2025-12-01"), D("2026-06-12")) }],
        };

        broken.Validate().ShouldContain(e => e.Code == "TermsOverlap");
        Should.Throw<ArgumentException>(() => SchoolCalendar.Create(broken));
    }

    [Fact]
    public void Create_HonoursAConfiguredStudyDay()
    {
        var definition = SchoolCalendarDefinition.SwedishDefault(Borlange, 2025, 2025);
        var year = definition.Years[0];
        var withStudyDay = definition with
        {
            Years = [year with { Breaks = year.Breaks.Add(new SchoolBreak(BreakKind.Other, new DateRange(D("2025-09-19"), D("2025-09-19")), "Studiedag")) }],
        };

        SchoolCalendar.Create(withStudyDay).IsSchoolDay(D("2025-09-19")).ShouldBeFalse();
        SchoolCalendar.Create(definition).IsSchoolDay(D("2025-09-19")).ShouldBeTrue();
    }
}
