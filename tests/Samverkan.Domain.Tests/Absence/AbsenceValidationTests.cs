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
        AttendanceMinutes = 20,
        ValidAbsenceMinutes = 10,
        InvalidAbsenceMinutes = 20,
        OtherAttendanceMinutes = 10,
        ReportedTimestamp = At("2025-09-17 09:00"),
    };

    public static TheoryData<string, Func<AbsenceRegistrationInput, AbsenceRegistrationInput>, string, string> InvalidCases => new()
    {
        { "missing source", i => i with { Source = null }, "source", "Required" },
        { "blank source id", i => i with { SourceId = " " }, "sourceId", "Required" },
        { "missing pupil", i => i with { Pupil = null }, "pupil", "Required" },
        { "missing school", i => i with { School = null }, "school", "Required" },
        { "missing date", i => i with { Date = null }, "date", "Required" },
        { "missing offered", i => i with { OfferedMinutes = null }, "offeredMinutes", "Required" },
        { "missing reported time", i => i with { ReportedTimestamp = null }, "reportedTimestamp", "Required" },
        { "negative offered", i => i with { OfferedMinutes = -1 }, "offeredMinutes", "Negative" },
        { "negative attendance", i => i with { AttendanceMinutes = -5 }, "attendanceMinutes", "Negative" },
        { "negative valid absence", i => i with { ValidAbsenceMinutes = -5 }, "validAbsenceMinutes", "Negative" },
        { "negative invalid absence", i => i with { InvalidAbsenceMinutes = -5 }, "invalidAbsenceMinutes", "Negative" },
        { "negative other attendance", i => i with { OtherAttendanceMinutes = -5 }, "otherAttendanceMinutes", "Negative" },
        { "one minute too many", i => i with { OtherAttendanceMinutes = 11 }, "offeredMinutes", "MinutesExceedOffered" },
        { "one minute unaccounted for", i => i with { OtherAttendanceMinutes = 9 }, "offeredMinutes", "MinutesBelowOffered" },
        { "only offered minutes: nothing reported", i => i with { AttendanceMinutes = null, ValidAbsenceMinutes = null, InvalidAbsenceMinutes = null, OtherAttendanceMinutes = null }, "offeredMinutes", "MinutesBelowOffered" },
        { "a day before the correction horizon", i => i with { Date = D("2025-08-05") }, "date", "OutsideCorrectionHorizon" },
        { "far in the past", i => i with { Date = D("1800-01-01") }, "date", "OutsideCorrectionHorizon" },
        { "more than a day", i => i with { OfferedMinutes = 1441, AttendanceMinutes = 0, ValidAbsenceMinutes = 0, InvalidAbsenceMinutes = 0, OtherAttendanceMinutes = 0 }, "offeredMinutes", "TooLarge" },
        { "tomorrow", i => i with { Date = D("2025-09-18") }, "date", "InFuture" },
        { "reported six minutes ahead", i => i with { ReportedTimestamp = Now.AddMinutes(6) }, "reportedTimestamp", "InFuture" },
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
        { "today late in the evening", i => i with { ReportedTimestamp = Now } },
        { "reported within the clock-skew tolerance", i => i with { ReportedTimestamp = Now.AddMinutes(5) } },
        { "optional minutes missing read as zero", i => i with { AttendanceMinutes = null, ValidAbsenceMinutes = 60, InvalidAbsenceMinutes = null, OtherAttendanceMinutes = null } },
        { "the first day of the correction horizon", i => i with { Date = D("2025-08-06"), ReportedTimestamp = At("2025-08-06 16:00") } },
        { "a withdrawal: nothing offered", i => i with { OfferedMinutes = 0, AttendanceMinutes = 0, ValidAbsenceMinutes = 0, InvalidAbsenceMinutes = 0, OtherAttendanceMinutes = 0 } },
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

        result.Errors.Select(e => e.Field).ShouldBe(["source", "sourceId", "pupil", "school", "date", "offeredMinutes", "reportedTimestamp"], ignoreOrder: true);
    }

    [Fact]
    public void Validate_KeepsTheValuesOfAValidInput()
    {
        var registration = AbsenceValidation.Validate(Valid(), Now).Registration!;

        registration.ShouldBe(new AbsenceRegistration("skola24", "att-1", Key(), SchoolA, D("2025-09-17"), "lesson-1", 60, 20, 10, 20, 10, At("2025-09-17 09:00")));
        registration.AbsentMinutes.ShouldBe(30);
    }
}
