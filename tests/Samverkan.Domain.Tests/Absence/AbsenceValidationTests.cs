using Samverkan.Domain.Absence;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Absence;

public class AbsenceValidationTests
{
    private static readonly DateTimeOffset Now = At("2025-09-17 10:00");

    private static AbsenceRegistrationInput Valid() => new()
    {
        Source = "skola24",
        SourceId = "att-1",
        Pupil = Key(),
        School = SchoolA,
        Date = D("2025-09-17"),
        CalendarEventId = "lesson-1",
        OfferedMinutes = 60,
        AttendedMinutes = 20,
        ExcusedMinutes = 10,
        UnexcusedMinutes = 20,
        OtherMinutes = 10,
        ReportedAt = At("2025-09-17 09:00"),
    };

    public static TheoryData<string, Func<AbsenceRegistrationInput, AbsenceRegistrationInput>, string, string> InvalidCases => new()
    {
        { "missing source", i => i with { Source = null }, "source", "Required" },
        { "blank source id", i => i with { SourceId = " " }, "sourceId", "Required" },
        { "missing pupil", i => i with { Pupil = null }, "pupil", "Required" },
        { "missing school", i => i with { School = null }, "school", "Required" },
        { "missing date", i => i with { Date = null }, "date", "Required" },
        { "missing offered", i => i with { OfferedMinutes = null }, "offeredMinutes", "Required" },
        { "missing reported time", i => i with { ReportedAt = null }, "reportedAt", "Required" },
        { "negative offered", i => i with { OfferedMinutes = -1 }, "offeredMinutes", "Negative" },
        { "negative attended", i => i with { AttendedMinutes = -5 }, "attendedMinutes", "Negative" },
        { "negative excused", i => i with { ExcusedMinutes = -5 }, "excusedMinutes", "Negative" },
        { "negative unexcused", i => i with { UnexcusedMinutes = -5 }, "unexcusedMinutes", "Negative" },
        { "negative other", i => i with { OtherMinutes = -5 }, "otherMinutes", "Negative" },
        { "one minute too many", i => i with { OtherMinutes = 11 }, "offeredMinutes", "MinutesExceedOffered" },
        { "more than a day", i => i with { OfferedMinutes = 1441, AttendedMinutes = 0, ExcusedMinutes = 0, UnexcusedMinutes = 0, OtherMinutes = 0 }, "offeredMinutes", "TooLarge" },
        { "tomorrow", i => i with { Date = D("2025-09-18") }, "date", "InFuture" },
        { "reported six minutes ahead", i => i with { ReportedAt = Now.AddMinutes(6) }, "reportedAt", "InFuture" },
        { "blank calendar event", i => i with { CalendarEventId = "" }, "calendarEventId", "Invalid" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Validate_ReportsTheFieldAndReason(string because, Func<AbsenceRegistrationInput, AbsenceRegistrationInput> change, string field, string code)
    {
        var result = AbsenceValidation.Validate(change(Valid()), Now);

        result.IsValid.ShouldBeFalse(because);
        result.Errors.ShouldContain(e => e.Field == field && e.Code == code, because);
    }

    public static TheoryData<string, Func<AbsenceRegistrationInput, AbsenceRegistrationInput>> ValidCases => new()
    {
        { "minutes add up to exactly the offered time", i => i },
        { "today late in the evening", i => i with { ReportedAt = Now } },
        { "reported within the clock-skew tolerance", i => i with { ReportedAt = Now.AddMinutes(5) } },
        { "optional minutes missing read as zero", i => i with { AttendedMinutes = null, ExcusedMinutes = null, UnexcusedMinutes = null, OtherMinutes = null } },
        { "a withdrawal: nothing offered", i => i with { OfferedMinutes = 0, AttendedMinutes = 0, ExcusedMinutes = 0, UnexcusedMinutes = 0, OtherMinutes = 0 } },
        { "a per-day registration without a lesson", i => i with { CalendarEventId = null } },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Validate_AcceptsValidInput(string because, Func<AbsenceRegistrationInput, AbsenceRegistrationInput> change)
    {
        var result = AbsenceValidation.Validate(change(Valid()), Now);

        result.Errors.ShouldBeEmpty(because);
        result.Registration.ShouldNotBeNull();
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var result = AbsenceValidation.Validate(new AbsenceRegistrationInput(), Now);

        result.Errors.Select(e => e.Field).ShouldBe(["source", "sourceId", "pupil", "school", "date", "offeredMinutes", "reportedAt"], ignoreOrder: true);
    }

    [Fact]
    public void Validate_KeepsTheValuesOfAValidInput()
    {
        var registration = AbsenceValidation.Validate(Valid(), Now).Registration!;

        registration.ShouldBe(new AbsenceRegistration("skola24", "att-1", Key(), SchoolA, D("2025-09-17"), "lesson-1", 60, 20, 10, 20, 10, At("2025-09-17 09:00")));
        registration.AbsentMinutes.ShouldBe(30);
    }
}
