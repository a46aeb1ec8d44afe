using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Demo;

/// <summary>
/// The demo municipality of the default run (Development only): Demokommun with three schools, their student-health
/// teams, social services with two contact persons per school, a child health centre, child psychiatry, coordinators,
/// and synthetic children known only by pseudonymous keys (no personal identity numbers, real or made up).
/// </summary>
public static class DemoData
{
    /// <summary>Whether Development loads the demo data (default true).</summary>
    public const string EnabledSetting = "Samverkan:Demo:Enabled";

    public static readonly MunicipalityCode Municipality = new("1999");

    public static readonly OrganisationId SchoolOrganisation = new("org-1999-skola");
    public static readonly OrganisationId SocialServicesOrganisation = new("org-1999-soc");
    public static readonly OrganisationId RegionOrganisation = new("org-99-region");
    public static readonly OrganisationId MunicipalityOrganisation = new("org-1999-kommun");

    public static readonly TeamId Coordinators = new("t-1999-samordnare");
    public static readonly TeamId SocialServices = new("t-1999-soc");
    public static readonly TeamId ChildHealthCentre = new("t-99-bvc");
    public static readonly TeamId ChildPsychiatry = new("t-99-bup");

    public static ImmutableArray<Staff> Staff { get; } =
    [
        Person("anna.rektor", "Anna Lindqvist", SchoolOrganisation, Agency.School, StaffRole.Principal),
        Person("karin.kurator", "Karin Berg", SchoolOrganisation, Agency.School, StaffRole.Counsellor),
        Person("sara.skolskoterska", "Sara Holm", SchoolOrganisation, Agency.School, StaffRole.SchoolNurse),
        Person("erik.psykolog", "Erik Sandberg", SchoolOrganisation, Agency.School, StaffRole.Psychologist),
        Person("lena.specialpedagog", "Lena Ek", SchoolOrganisation, Agency.School, StaffRole.SpecialEducator),
        Person("johan.rektor", "Johan Nyström", SchoolOrganisation, Agency.School, StaffRole.Principal),
        Person("maria.kurator", "Maria Dahl", SchoolOrganisation, Agency.School, StaffRole.Counsellor),
        Person("petra.forskolechef", "Petra Lund", SchoolOrganisation, Agency.School, StaffRole.Principal),
        Person("sofia.socialsekreterare", "Sofia Åberg", SocialServicesOrganisation, Agency.SocialServices, StaffRole.SocialWorker, manager: "bengt.enhetschef"),
        Person("ahmed.socialsekreterare", "Ahmed Karimi", SocialServicesOrganisation, Agency.SocialServices, StaffRole.SocialWorker, manager: "bengt.enhetschef"),
        Person("linnea.socialsekreterare", "Linnea Strand", SocialServicesOrganisation, Agency.SocialServices, StaffRole.SocialWorker, manager: "bengt.enhetschef"),
        Person("bengt.enhetschef", "Bengt Öhman", SocialServicesOrganisation, Agency.SocialServices, StaffRole.Manager),
        Person("eva.bvc", "Eva Nilsson", RegionOrganisation, Agency.ChildHealthCentre, StaffRole.Nurse),
        Person("omar.bup", "Omar Haddad", RegionOrganisation, Agency.ChildPsychiatry, StaffRole.Doctor),
        Person("helena.samordnare", "Helena Wik", MunicipalityOrganisation, Agency.School, StaffRole.Coordinator),
    ];

    /// <summary>The school system of the demo schools' organisation: a feed client (scope <c>samverkan.ingest</c>).</summary>
    public const string SchoolSystemFeed = "skolsystem.demo";

    /// <summary>
    /// Sign-in users the roster cannot hold (its roles are staff roles only): the demo schools' school system as a feed,
    /// an administrator and an audit reviewer of the municipality. The Development sign-in lists them beside the roster.
    /// </summary>
    public static ImmutableArray<DevUser> SignInUsers { get; } =
    [
        new()
        {
            Staff = SchoolSystemFeed, Name = "Skolsystemet (feed)", Organisation = SchoolOrganisation.Value, Municipality = Municipality.Value,
            Agency = nameof(Agency.School), Scope = SamverkanClaims.IngestScope,
        },
        new()
        {
            Staff = "ulla.administrator", Name = "Ulla Forsberg", Organisation = MunicipalityOrganisation.Value, Municipality = Municipality.Value,
            Agency = nameof(Agency.School), Roles = [SamverkanClaims.AdministratorRole],
        },
        new()
        {
            Staff = "gustav.granskare", Name = "Gustav Ek", Organisation = MunicipalityOrganisation.Value, Municipality = Municipality.Value,
            Agency = nameof(Agency.School), Roles = [SamverkanClaims.AuditReviewerRole],
        },
        new()
        {
            Staff = "olof.drift", Name = "Olof Lind (drift)", Organisation = MunicipalityOrganisation.Value, Municipality = Municipality.Value,
            Agency = nameof(Agency.School), Roles = [SamverkanClaims.OperatorRole],
        },
        new()
        {
            // The region's coordinator (issue 16): statistics of every municipality of region 99, never a child.
            Staff = "rebecka.regionsamordnare", Name = "Rebecka Holm (regional samordnare)", Organisation = RegionOrganisation.Value,
            Municipality = Municipality.Value, Agency = nameof(Agency.SocialServices), Roles = [SamverkanClaims.RegionalCoordinatorRole], Region = "99",
        },
    ];

    public static ImmutableArray<Team> Teams { get; } =
    [
        Team("t-norr-eht", "Elevhälsoteam Norrskolan", SchoolOrganisation, Agency.School,
            ("anna.rektor", StaffRole.Principal), ("karin.kurator", StaffRole.Counsellor), ("sara.skolskoterska", StaffRole.SchoolNurse),
            ("erik.psykolog", StaffRole.Psychologist), ("lena.specialpedagog", StaffRole.SpecialEducator)),
        Team("t-sodra-eht", "Elevhälsoteam Södraskolan", SchoolOrganisation, Agency.School,
            ("johan.rektor", StaffRole.Principal), ("maria.kurator", StaffRole.Counsellor), ("sara.skolskoterska", StaffRole.SchoolNurse),
            ("erik.psykolog", StaffRole.Psychologist)),
        Team("t-angen-eht", "Elevhälsoteam Ängens förskola", SchoolOrganisation, Agency.School, ("petra.forskolechef", StaffRole.Principal)),
        Team(SocialServices.Value, "Socialtjänsten, barn och unga", SocialServicesOrganisation, Agency.SocialServices,
            ("sofia.socialsekreterare", StaffRole.SocialWorker), ("ahmed.socialsekreterare", StaffRole.SocialWorker),
            ("linnea.socialsekreterare", StaffRole.SocialWorker), ("bengt.enhetschef", StaffRole.Manager)),
        Team(ChildHealthCentre.Value, "BVC Demokommun", RegionOrganisation, Agency.ChildHealthCentre, ("eva.bvc", StaffRole.Nurse)),
        Team(ChildPsychiatry.Value, "BUP Region Demo", RegionOrganisation, Agency.ChildPsychiatry, ("omar.bup", StaffRole.Doctor)),
        Team(Coordinators.Value, "Samordnare Demokommun", MunicipalityOrganisation, Agency.School, ("helena.samordnare", StaffRole.Coordinator)),
    ];

    public static ImmutableArray<School> Schools { get; } =
    [
        School("s-norrskolan", "Norrskolan", SchoolKind.Compulsory, "t-norr-eht", "sofia.socialsekreterare", "ahmed.socialsekreterare"),
        School("s-sodraskolan", "Södraskolan", SchoolKind.Compulsory, "t-sodra-eht", "ahmed.socialsekreterare", "linnea.socialsekreterare"),
        School("s-angen", "Ängens förskola", SchoolKind.Preschool, "t-angen-eht", "linnea.socialsekreterare", "sofia.socialsekreterare"),
    ];

    /// <summary>A synthetic child's key: a hash of a demo label, never of an identity number.</summary>
    public static PseudonymousKey ChildKey(int number)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"samverkan-demo-child-{number}"));
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder(PseudonymousKey.Prefix);
        for (var i = 0; i < 20; i++)
        {
            text.Append(Alphabet[hash[i] % 32]);
        }

        return new PseudonymousKey(text.ToString());
    }

    /// <summary>The demo children: 60 pupils and preschoolers; a few placed in care, one with protected identity.</summary>
    public static ImmutableArray<Child> Children(DateOnly today)
    {
        var schoolYearStart = new DateOnly(today.Month >= 8 ? today.Year : today.Year - 1, 8, 15);
        var children = ImmutableArray.CreateBuilder<Child>();
        for (var n = 1; n <= 60; n++)
        {
            var school = n <= 25 ? "s-norrskolan" : n <= 50 ? "s-sodraskolan" : "s-angen";
            var namedPerson = school switch
            {
                "s-norrskolan" => new NamedPerson(new StaffId("anna.rektor"), Agency.School),
                "s-sodraskolan" => new NamedPerson(new StaffId("johan.rektor"), Agency.School),
                _ => new NamedPerson(new StaffId("eva.bvc"), Agency.ChildHealthCentre),
            };
            children.Add(new Child
            {
                Key = ChildKey(n),
                HomeMunicipality = Municipality,
                Enrolments = [new Enrolment(new SchoolId(school), schoolYearStart)],
                NamedPerson = namedPerson,
                ProtectedIdentity = n == 7,
                PlacedInCare = n is 12 or 33 ? new CarePlacement(Municipality, schoolYearStart.AddDays(-200)) : null,
            });
        }

        return children.ToImmutable();
    }

    /// <summary>
    /// Absence for the first few pupils over the last school days, so the demo opens with cases: pupil 1 absent every day
    /// for two weeks, pupils 2 and 3 absent about a quarter of the time, the rest now and then.
    /// </summary>
    public static ImmutableArray<AbsenceRegistration> History(SchoolCalendar calendar, DateOnly today, DateTimeOffset now)
    {
        var days = calendar.LastSchoolDays(today.AddDays(-1), 20);
        var registrations = ImmutableArray.CreateBuilder<AbsenceRegistration>();
        for (var n = 1; n <= 25; n++)
        {
            for (var d = 0; d < days.Length; d++)
            {
                var absent = n switch
                {
                    1 => d >= days.Length - 11,
                    2 or 3 => d % 4 == 0,
                    _ => (n * 7 + d * 3) % 23 == 0,
                };
                var unexcused = absent && n == 3;
                registrations.Add(new AbsenceRegistration(
                    "demo", $"demo-{n}-{days[d]:yyyyMMdd}", ChildKey(n), new SchoolId("s-norrskolan"), days[d], null,
                    300, absent ? 0 : 300, absent && !unexcused ? 300 : 0, unexcused ? 300 : 0, 0, now));
            }
        }

        return registrations.ToImmutable();
    }

    private static Staff Person(string id, string name, OrganisationId organisation, Agency agency, StaffRole role, string? manager = null) =>
        new() { Id = new StaffId(id), DisplayName = name, Organisation = organisation, Agency = agency, Roles = [role], Manager = manager is null ? null : new StaffId(manager) };

    private static Team Team(string id, string name, OrganisationId organisation, Agency agency, params (string Staff, StaffRole Role)[] members) =>
        new()
        {
            Id = new TeamId(id),
            Name = name,
            Agency = agency,
            Organisation = organisation,
            Municipality = agency is Agency.ChildHealthCentre or Agency.ChildPsychiatry ? null : Municipality,
            RegionCode = "99",
            Members = [.. members.Select(m => new TeamMember(new StaffId(m.Staff), m.Role))],
        };

    private static School School(string id, string name, SchoolKind kind, string team, string contact1, string contact2) =>
        new()
        {
            Id = new SchoolId(id),
            Name = name,
            Municipality = Municipality,
            Kind = kind,
            Organisation = SchoolOrganisation,
            StudentHealthTeam = new TeamId(team),
            SocialServices = new SocialServicesLink
            {
                Organisation = SocialServicesOrganisation,
                Team = SocialServices,
                ContactPersons = [new StaffId(contact1), new StaffId(contact2)],
            },
        };
}
