using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Tests;

/// <summary>Builders for test data. Every test builds its own state from these; nothing is shared mutably.</summary>
internal static class TestData
{
    public static readonly MunicipalityCode Borlange = new("2081");
    public static readonly SchoolId SchoolA = new("school-a");
    public static readonly SchoolId SchoolB = new("school-b");
    public static readonly OrganisationId SchoolOrganisation = new("borlange-utbildning");
    public static readonly OrganisationId SocialServicesOrganisation = new("borlange-socialtjanst");
    public static readonly OrganisationId RegionOrganisation = new("region-dalarna");
    public static readonly TeamId StudentHealthTeam = new("eht-school-a");
    public static readonly TeamId SocialServicesTeam = new("ss-team-south");
    public static readonly TeamId Coordinators = new("coordinators-2081");
    public static readonly StaffId Principal = new("staff-principal-a");
    public static readonly StaffId Counsellor = new("staff-counsellor-a");
    public static readonly StaffId ContactAnna = new("staff-ss-anna");
    public static readonly StaffId ContactBo = new("staff-ss-bo");
    public static readonly StaffId Outsider = new("staff-outsider");

    /// <summary>The default Swedish calendar for 2023/24 to 2027/28 (sportlov ISO week 9).</summary>
    public static readonly SchoolCalendar DefaultCalendar = SchoolCalendar.SwedishDefault(Borlange, 2023, 2027);

    /// <summary>A well-formed pseudonymous key built from a lowercase name.</summary>
    public static PseudonymousKey Key(string name = "pupil") => new("c_" + name + new string('a', Math.Max(0, 16 - name.Length)));

    public static DateOnly D(string isoDate) => DateOnly.ParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A Swedish local time, e.g. <c>At("2025-09-12 14:00")</c>.</summary>
    public static DateTimeOffset At(string local)
    {
        var parts = local.Split(' ');
        var time = parts.Length > 1 ? TimeOnly.ParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture) : new TimeOnly(12, 0);
        return SwedishTime.AtLocal(D(parts[0]), time);
    }

    public static School School(bool socialServices = true, bool contacts = true) => new()
    {
        Id = SchoolA,
        Name = "Skola A",
        Municipality = Borlange,
        Kind = SchoolKind.Compulsory,
        Organisation = SchoolOrganisation,
        StudentHealthTeam = StudentHealthTeam,
        SocialServices = socialServices
            ? new SocialServicesLink
            {
                Organisation = SocialServicesOrganisation,
                Team = SocialServicesTeam,
                ContactPersons = contacts ? [ContactAnna, ContactBo] : [],
            }
            : null,
    };

    public static Child Profile(PseudonymousKey key) => new()
    {
        Key = key,
        HomeMunicipality = Borlange,
        Enrolments = [new Enrolment(SchoolA, D("2019-08-01"))],
        NamedPerson = new NamedPerson(Principal, Agency.School),
    };

    /// <summary>A child on the roster of school A.</summary>
    public static ChildState Child(string name = "pupil") => ChildState.New(Key(name)) with { Profile = Profile(Key(name)) };

    public static EffectiveRules TestRules(params RuleOverride[] overrides) =>
        RuleSets.Merge(
            RuleSets.Defaults(Borlange, At("2023-01-01 00:00")),
            overrides.Length == 0
                ? null
                : new SchoolRuleOverrides
                {
                    School = SchoolA,
                    Version = new RuleSetVersion(1, Principal, At("2023-01-01 00:00"), "test"),
                    Overrides = [.. overrides],
                });

    public static ChildContext Context(DateTimeOffset now, EffectiveRules? rules = null, School? school = null) => new()
    {
        Now = now,
        Rules = rules ?? TestRules(),
        Calendar = DefaultCalendar,
        School = school ?? School(),
        CoordinatorTeam = Coordinators,
    };

    /// <summary>A registration of one lesson (or of a day, with <paramref name="lesson"/> null).</summary>
    public static AbsenceRegistration Registration(
        PseudonymousKey pupil,
        string date,
        int offered = 300,
        int excused = 0,
        int unexcused = 0,
        int other = 0,
        string? id = null,
        string? reportedAt = null,
        string? lesson = null,
        string source = "skola24")
    {
        var attended = offered - excused - unexcused - other;
        return new AbsenceRegistration(
            source,
            id ?? $"{date}/{lesson ?? "day"}",
            pupil,
            SchoolA,
            D(date),
            lesson,
            offered,
            Math.Max(0, attended),
            excused,
            unexcused,
            other,
            At(reportedAt ?? $"{date} 16:00"));
    }

    /// <summary>A record of per-day totals (no entries), for rule tests that do not need replacement.</summary>
    public static AbsenceRecord Record(IEnumerable<(DateOnly Date, int Offered, int Excused, int Unexcused)> days) => new()
    {
        Days =
        [
            .. days.OrderBy(d => d.Date).Select(d => new AbsenceDay
            {
                Date = d.Date,
                Totals = new AbsenceTotals(d.Offered, d.Offered - d.Excused - d.Unexcused, d.Excused, d.Unexcused, 0, d.Unexcused > 0 ? 1 : 0),
            }),
        ],
    };

    /// <summary>The school days from <paramref name="from"/> to <paramref name="to"/> in the test calendar.</summary>
    public static ImmutableArray<DateOnly> SchoolDays(string from, string to) => DefaultCalendar.SchoolDaysBetween(D(from), D(to));

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
