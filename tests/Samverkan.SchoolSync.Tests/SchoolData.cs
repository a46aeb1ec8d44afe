using System.Security.Cryptography;
using System.Text;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;

namespace Samverkan.SchoolSync.Tests;

/// <summary>
/// Realistic SS 12000 data of two compulsory schools of one municipality: pupils (one with protected registration, one
/// known only through a leisure-time placement), staff duties with the student-health team, a staff group, and four
/// weeks of attendances (two lessons a school day). All identity numbers are synthetic test numbers.
/// </summary>
public sealed class SchoolData
{
    public const string Municipality = "1282";
    public const string Organisation = "org-1282-skola";
    public const int LessonMinutes = 150;

    public static readonly string Björkskolan = Id("unit-bjork");
    public static readonly string Ekskolan = Id("unit-ek");

    // Monday 23 March 2026, 08:00 in Sweden: a school day in the spring term, after the winter break.
    public static readonly DateTimeOffset Now = new(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);

    /// <summary>Pupils: (name, school unit or null for placement only, civic number, protected).</summary>
    public static readonly IReadOnlyList<Pupil> Pupils =
    [
        new("alva", Björkskolan, TestNumber(0), null),
        new("bruno", Björkskolan, TestNumber(1), null),
        new("cornelia", Björkskolan, TestNumber(2), null),
        new("dante", Björkskolan, TestNumber(3), null),
        new("elsa", Björkskolan, TestNumber(4), null),
        new("frank", Björkskolan, TestNumber(5), "Skyddad folkbokföring"),
        new("greta", Ekskolan, TestNumber(6), null),
        new("hugo", Ekskolan, TestNumber(7), "Sekretessmarkering"),
        new("ines", Ekskolan, TestNumber(8), null),
        new("jonte", null, TestNumber(9), null),
    ];

    /// <summary>Staff duties: (person, unit, duty role, Elevhälsopersonal assignment).</summary>
    public static readonly IReadOnlyList<(string Person, string Unit, string Role, bool HealthStaff)> Duties =
    [
        ("anna-rektor", Björkskolan, "Rektor", false),
        ("karin-kurator", Björkskolan, "Kurator", false),
        ("sara-skolskoterska", Björkskolan, "Skolsköterska", false),
        ("lars-larare", Björkskolan, "Lärare", true),
        ("mia-larare", Björkskolan, "Lärare", false),
        ("erik-rektor", Ekskolan, "Rektor", false),
        ("petra-skolpsykolog", Ekskolan, "Skolpsykolog", false),
    ];

    public SchoolData(Ss12000Double source)
    {
        Source = source;
        var calendar = SchoolCalendar.SwedishDefault(new MunicipalityCode(Municipality), 2024, 2026);
        SchoolDays = calendar.LastSchoolDays(SwedishTime.DateOf(Now).AddDays(-1), 20);
    }

    public Ss12000Double Source { get; }

    /// <summary>The last 20 school days before today, oldest first.</summary>
    public IReadOnlyList<DateOnly> SchoolDays { get; }

    /// <summary>The pupils with attendances (enrolled at a school unit).</summary>
    public static IEnumerable<Pupil> Enrolled => Pupils.Where(p => p.Unit is not null);

    public static int AttendanceCount => Enrolled.Count() * 20 * 2;

    /// <summary>
    /// Alva is away (excused) the whole of these school days (indexes into <see cref="SchoolDays"/>): 2 of 20 is 10 %. Late in
    /// the window on purpose: a first sync delivers the history page by page, oldest first, and the rules judge each
    /// prefix (2 absent days among the first 10 reported would be 20 %); see docs/school-sync.md.
    /// </summary>
    public static readonly int[] AlvaAway = [15, 16];

    public static Pupil Alva => Pupils[0];

    public static Pupil Frank => Pupils[5];

    public static Pupil Hugo => Pupils[7];

    public static Pupil Jonte => Pupils[9];

    public void Load()
    {
        var created = new DateTimeOffset(2025, 8, 1, 8, 0, 0, TimeSpan.Zero);
        foreach (var (unit, name, code) in new[] { (Björkskolan, "Björkskolan", "12820001"), (Ekskolan, "Ekskolan", "12820002") })
        {
            Source.Put("organisations", unit, created, [unit], new
            {
                displayName = name,
                organisationType = "Skolenhet",
                schoolUnitCode = code,
                schoolTypes = new[] { "GR", "FTH" },
                municipalityCode = Municipality,
                startDate = "2010-07-01",
            });
        }

        // The organiser itself is listed too; not a school unit, not covered.
        Source.Put("organisations", Id("huvudman"), created, [], new { displayName = "Testkommun", organisationType = "Huvudman" });

        var healthGroup = Id("group-eht-bjork");
        Source.Put("groups", healthGroup, created, [Björkskolan], new
        {
            displayName = "EHT Björkskolan",
            groupType = "Personalgrupp",
            organisation = new { id = Björkskolan },
            startDate = "2025-08-01",
            groupMemberships = Duties.Where(d => d.Unit == Björkskolan && d.Role != "Lärare" || d.HealthStaff).Select(d => new { person = new { id = Id(d.Person) } }),
        });

        foreach (var (person, unit, role, healthStaff) in Duties)
        {
            Source.Put("duties", Id("duty-" + person), created, [unit], new
            {
                person = new { id = Id(person), displayName = DisplayName(person) },
                dutyAt = new { id = unit },
                dutyRole = role,
                signature = person[..3].ToUpperInvariant(),
                startDate = "2025-08-01",
                assignmentRole = healthStaff ? new[] { new { group = new { id = healthGroup }, assignmentRoleType = "Elevhälsopersonal" } } : null,
            });
            Source.Put("persons", Id(person), created, [unit], new { givenName = DisplayName(person).Split(' ')[0], familyName = "Personal" });
        }

        foreach (var pupil in Pupils)
        {
            PutPupil(pupil, created);
        }

        Source.Put("placements", Id("placement-jonte"), created, [Ekskolan], new
        {
            placedAt = new { id = Ekskolan },
            child = new { id = Id(Jonte.Name) },
            schoolType = "FTH",
            startDate = "2025-08-18",
        });

        for (var day = 0; day < SchoolDays.Count; day++)
        {
            foreach (var unit in new[] { Björkskolan, Ekskolan })
            {
                for (var lesson = 0; lesson < 2; lesson++)
                {
                    var start = SwedishTime.AtLocal(SchoolDays[day], new TimeOnly(8, 0)).AddMinutes(lesson * (LessonMinutes + 15));
                    Source.PutCalendarEvent(LessonId(unit, day, lesson), start, start.AddMinutes(LessonMinutes), Id("activity-" + unit + lesson));
                }
            }
        }

        foreach (var pupil in Enrolled)
        {
            for (var day = 0; day < SchoolDays.Count; day++)
            {
                var away = pupil == Alva && AlvaAway.Contains(day);
                for (var lesson = 0; lesson < 2; lesson++)
                {
                    PutAttendance(pupil, day, lesson, away, ReportedAt(day, lesson));
                }
            }
        }
    }

    public void PutPupil(Pupil pupil, DateTimeOffset modified, string? securityMarking = null) =>
        Source.Put("persons", Id(pupil.Name), modified, pupil.Unit is { } unit ? [unit] : [Ekskolan], new
        {
            givenName = char.ToUpperInvariant(pupil.Name[0]) + pupil.Name[1..],
            familyName = "Testsson",
            civicNo = new { value = pupil.CivicNo, nationality = "SE" },
            securityMarking = securityMarking ?? pupil.SecurityMarking ?? "Ingen",
            personStatus = "Aktiv",
            enrolments = pupil.Unit is { } at ? new[] { new { enroledAt = new { id = at }, schoolType = "GR", schoolYear = 7, startDate = "2025-08-18" } } : null,
        });

    /// <summary>One pupil's attendance of one lesson; away = the whole lesson as excused absence.</summary>
    public void PutAttendance(Pupil pupil, int day, int lesson, bool away, DateTimeOffset modified) =>
        Source.Put("attendances", AttendanceId(pupil, day, lesson), modified, [pupil.Unit!], new
        {
            calendarEvent = new { id = LessonId(pupil.Unit!, day, lesson) },
            student = new { id = Id(pupil.Name) },
            isReported = true,
            attendanceMinutes = away ? 0 : LessonMinutes,
            validAbsenceMinutes = away ? LessonMinutes : 0,
            invalidAbsenceMinutes = 0,
            otherAttendanceMinutes = 0,
            reportedTimestamp = modified,
        });

    public DateTimeOffset ReportedAt(int day, int lesson) =>
        SwedishTime.AtLocal(SchoolDays[day], new TimeOnly(15, 0)).AddMinutes(lesson);

    public static string AttendanceId(Pupil pupil, int day, int lesson) => Id($"attendance-{pupil.Name}-{day}-{lesson}");

    public static string LessonId(string unit, int day, int lesson) => Id($"lesson-{unit}-{day}-{lesson}");

    /// <summary>A stable UUID per name (SS 12000 ids are UUIDs).</summary>
    public static string Id(string name) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(name))).ToString();

    public static string DisplayName(string person) =>
        char.ToUpperInvariant(person[0]) + person[1..person.IndexOf('-', StringComparison.Ordinal)] + " " + person[(person.IndexOf('-', StringComparison.Ordinal) + 1)..];

    /// <summary>Synthetic 12-digit identity numbers (born 2012, serial 98nn: outside the real series) with valid check digits.</summary>
    public static string TestNumber(int index)
    {
        var ten = $"12{(index % 9) + 1:D2}{10 + index:D2}98{index % 10:D1}";
        var check = Luhn(ten);
        return "20" + ten + check;
    }

    public static IEnumerable<string> TestNumbers => Pupils.Select(p => p.CivicNo);

    private static int Luhn(string nine)
    {
        var sum = 0;
        for (var i = 0; i < nine.Length; i++)
        {
            var d = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }

        return (10 - (sum % 10)) % 10;
    }

    public sealed record Pupil(string Name, string? Unit, string CivicNo, string? SecurityMarking);
}
