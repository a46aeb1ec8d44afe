using Samverkan.Domain.Absence;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Absence;

public class AbsenceRecordTests
{
    private static readonly DateTimeOffset Now = At("2025-10-10 18:00");
    private static readonly AbsenceRecordPolicy Policy = AbsenceRecordPolicy.Default;

    private static AbsenceApplyResult Apply(AbsenceRecord record, params AbsenceRegistration[] registrations) => record.Apply(registrations, Policy, Now);

    [Fact]
    public void Apply_SumsLessonsPerDay()
    {
        var result = Apply(
            AbsenceRecord.Empty,
            Registration(Key(), "2025-10-06", offered: 60, lesson: "l1"),
            Registration(Key(), "2025-10-06", offered: 60, unexcused: 60, lesson: "l2"),
            Registration(Key(), "2025-10-06", offered: 40, excused: 40, lesson: "l3"));

        result.Outcomes.Select(o => o.Kind).ShouldAllBe(k => k == RegistrationOutcomeKind.Added);
        result.Record.TotalsOn(D("2025-10-06")).ShouldBe(new AbsenceTotals(160, 60, 40, 60, 0, 1));
    }

    [Fact]
    public void Apply_ACorrectionWithTheSameSourceIdReplacesTheEarlierRegistration()
    {
        var first = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 09:00")).Record;

        var corrected = Apply(first, Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-07 09:00"));

        corrected.Outcomes.Single().Kind.ShouldBe(RegistrationOutcomeKind.Replaced);
        corrected.Record.TotalsOn(D("2025-10-06")).ShouldBe(new AbsenceTotals(300, 0, 300, 0, 0, 0));
    }

    [Fact]
    public void Classify_NamesWhatApplyingWouldDo_AndCallsANotNewerVersionWithOtherFiguresStale()
    {
        var record = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 09:00")).Record;

        var kinds = record.Classify(
            [
                Registration(Key(), "2025-10-06", offered: 60, id: "new"),
                Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-07 09:00"),
                Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 09:00"),
                Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-06 09:00"),
                Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-05 09:00"),
            ],
            Policy,
            Now);

        kinds.ShouldBe([RegistrationOutcomeKind.Added, RegistrationOutcomeKind.Replaced, RegistrationOutcomeKind.Unchanged, RegistrationOutcomeKind.Superseded, RegistrationOutcomeKind.Superseded]);
        record.Apply([Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-05 09:00")], Policy, Now).Outcomes.Single().Kind
            .ShouldBe(RegistrationOutcomeKind.Superseded, "an older version changes nothing when applied either");
    }

    [Fact]
    public void Apply_AnOlderVersionArrivingLateIsIgnored()
    {
        var newer = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", excused: 300, id: "a1", reportedAt: "2025-10-07 09:00")).Record;

        var late = Apply(newer, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 09:00"));

        late.Outcomes.Single().Kind.ShouldBe(RegistrationOutcomeKind.Superseded);
        late.Record.TotalsOn(D("2025-10-06")).Excused.ShouldBe(300);
        late.Record.TotalsOn(D("2025-10-06")).Unexcused.ShouldBe(0);
    }

    [Fact]
    public void Apply_ReplayingTheSameRegistrationChangesNothing()
    {
        var registration = Registration(Key(), "2025-10-06", unexcused: 100, id: "a1");
        var once = Apply(AbsenceRecord.Empty, registration).Record;

        var twice = Apply(once, registration);

        twice.Outcomes.Single().Kind.ShouldBe(RegistrationOutcomeKind.Unchanged);
        Json(twice.Record).ShouldBe(Json(once));
    }

    [Fact]
    public void Apply_TheSameSourceIdFromAnotherSourceIsAnotherRegistration()
    {
        var result = Apply(
            AbsenceRecord.Empty,
            Registration(Key(), "2025-10-06", offered: 60, unexcused: 60, id: "x", source: "skola24"),
            Registration(Key(), "2025-10-06", offered: 60, unexcused: 60, id: "x", source: "vklass"));

        result.Record.TotalsOn(D("2025-10-06")).Offered.ShouldBe(120);
    }

    [Fact]
    public void Apply_ACorrectionThatMovesTheDateLeavesNothingOnTheOldDate()
    {
        var first = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 16:00")).Record;

        var moved = Apply(first, Registration(Key(), "2025-10-07", unexcused: 300, id: "a1", reportedAt: "2025-10-07 16:00")).Record;

        moved.Find(D("2025-10-06")).ShouldBeNull();
        moved.TotalsOn(D("2025-10-07")).Unexcused.ShouldBe(300);
    }

    [Fact]
    public void Apply_AWithdrawalRemovesTheMinutesButRemembersTheVersion()
    {
        var first = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 16:00")).Record;
        var withdrawn = Apply(first, Registration(Key(), "2025-10-06", offered: 0, id: "a1", reportedAt: "2025-10-07 16:00")).Record;

        var staleAgain = Apply(withdrawn, Registration(Key(), "2025-10-06", unexcused: 300, id: "a1", reportedAt: "2025-10-06 16:00"));

        withdrawn.TotalsOn(D("2025-10-06")).ShouldBe(AbsenceTotals.Zero);
        staleAgain.Outcomes.Single().Kind.ShouldBe(RegistrationOutcomeKind.Superseded);
        staleAgain.Record.TotalsOn(D("2025-10-06")).ShouldBe(AbsenceTotals.Zero);
    }

    [Theory]
    [InlineData("2025-08-29", RegistrationOutcomeKind.Added)] // 42 days back: still open
    [InlineData("2025-08-28", RegistrationOutcomeKind.Rejected)] // 43 days back: sealed
    public void Apply_RefusesDatesBeyondTheCorrectionHorizon(string date, RegistrationOutcomeKind expected)
    {
        var result = Apply(AbsenceRecord.Empty, Registration(Key(), date, unexcused: 300));

        result.Outcomes.Single().Kind.ShouldBe(expected);
        if (expected == RegistrationOutcomeKind.Rejected)
        {
            result.Outcomes.Single().Errors.Single().Code.ShouldBe("OutsideCorrectionHorizon");
        }
    }

    [Fact]
    public void Apply_SealsDaysThatLeaveTheHorizonToTotals()
    {
        var early = At("2025-09-01 18:00");
        var record = AbsenceRecord.Empty.Apply([Registration(Key(), "2025-09-01", offered: 60, unexcused: 60, lesson: "l1"), Registration(Key(), "2025-09-01", offered: 60, lesson: "l2")], Policy, early).Record;

        var later = record.Apply([], Policy, At("2025-10-20 18:00")).Record;

        var day = later.Find(D("2025-09-01"))!;
        day.Sealed.ShouldBeTrue();
        day.Entries.ShouldBeEmpty();
        day.Totals.ShouldBe(new AbsenceTotals(120, 60, 0, 60, 0, 1));
    }

    [Fact]
    public void Apply_KeepsTheCurrentAndPreviousSchoolYearOnly()
    {
        var record = Record([(D("2023-06-12"), 300, 0, 300), (D("2024-06-12"), 300, 0, 300), (D("2024-08-20"), 300, 300, 0)]);

        var pruned = record.Apply([], Policy, Now).Record;

        pruned.Days.Select(d => d.Date).ShouldBe([D("2024-08-20")]);
        Policy.RetainedFrom(D("2025-10-10")).ShouldBe(D("2024-07-01"));
        Policy.RetainedFrom(D("2025-06-10")).ShouldBe(D("2023-07-01"));
    }

    [Fact]
    public void Apply_OutOfOrderAndRepeatedDeliveriesGiveTheSameRecordAsInOrder()
    {
        var random = new Random(4711);
        var dates = SchoolDays("2025-09-22", "2025-10-10");
        DateTimeOffset[] versions = [At("2025-10-01 08:00"), At("2025-10-02 08:00"), At("2025-10-03 08:00"), At("2025-10-03 08:00").ToOffset(TimeSpan.Zero), At("2025-10-04 08:00")];

        for (var round = 0; round < 200; round++)
        {
            var registrations = Enumerable.Range(0, random.Next(1, 40)).Select(_ =>
            {
                var offered = random.Next(0, 4) * 30;
                var excused = random.Next(0, offered + 1);
                var unexcused = random.Next(0, offered - excused + 1);
                var attended = offered - excused - unexcused;
                return new AbsenceRegistration(
                    random.Next(2) == 0 ? "skola24" : "vklass",
                    $"att-{random.Next(8)}",
                    Key(),
                    SchoolA,
                    dates[random.Next(dates.Length)],
                    null,
                    offered,
                    attended,
                    excused,
                    unexcused,
                    0,
                    versions[random.Next(versions.Length)]);
            }).ToList();

            var inOrder = AbsenceRecord.Empty.Apply(registrations, Policy, Now).Record;

            var shuffled = registrations.OrderBy(_ => random.Next()).ToList();
            var replayed = shuffled.Concat(registrations.Take(random.Next(registrations.Count))).ToList();
            var inBatches = AbsenceRecord.Empty;
            foreach (var batch in replayed.Chunk(random.Next(1, 6)))
            {
                inBatches = inBatches.Apply(batch, Policy, Now).Record;
            }

            Json(inBatches).ShouldBe(Json(inOrder), $"round {round}");
        }
    }

    [Fact]
    public void Apply_RefusesInvalidRegistrations()
    {
        var result = Apply(AbsenceRecord.Empty, Registration(Key(), "2025-10-06", offered: 60, excused: 40, unexcused: 40));

        result.Outcomes.Single().Kind.ShouldBe(RegistrationOutcomeKind.Rejected);
        result.Record.Days.ShouldBeEmpty();
    }

    [Fact]
    public void Apply_KeepsTheRecordSmall()
    {
        var registrations = SchoolDays("2025-08-18", "2025-10-10")
            .SelectMany(d => Enumerable.Range(1, 6).Select(l => Registration(Key(), d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), offered: 50, excused: l == 1 ? 50 : 0, lesson: $"l{l}")))
            .ToList();
        var record = AbsenceRecord.Empty.Apply(registrations.Where(r => r.Date >= D("2025-08-29")).ToList(), Policy, Now).Record;

        var json = Json(record);

        record.Days.Length.ShouldBe(31);
        // Six lessons a day over the whole correction horizon: about 370 characters a day.
        json.Length.ShouldBeLessThan(15_000);
    }

    [Fact]
    public void Apply_KeepsASealedSchoolYearSmall()
    {
        var year = Record(SchoolDays("2024-08-19", "2025-06-13").Select(d => (d, 300, d.Day % 7 == 0 ? 60 : 0, d.Day % 11 == 0 ? 30 : 0)));

        var sealedYear = year.Apply([], Policy, Now).Record;

        sealedYear.Days.Length.ShouldBeGreaterThan(170);
        sealedYear.Days.ShouldAllBe(d => d.Sealed);
        Json(sealedYear).Length.ShouldBeLessThan(15_000);
    }
}
