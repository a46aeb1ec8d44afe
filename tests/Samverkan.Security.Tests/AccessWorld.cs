using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Samverkan.Abstractions;
using Samverkan.Actors.Grains;
using Samverkan.Coordination;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Security;

namespace Samverkan.Security.Tests;

/// <summary>
/// A small region in the coordination read models, with one child per kind of relation, and the callers of the
/// authorization matrix (access-matrix.csv). Municipality 1001 (region 01): school-1 (student-health team eht-1,
/// contact persons ss-contact-1/2), school-2 (eht-2, contact ss-contact-3); municipality 2002 (region 02): school-3.
/// </summary>
internal static class AccessWorld
{
    /// <summary>The children (and one key that is nowhere), by matrix name.</summary>
    public static readonly IReadOnlyDictionary<string, string> Children = new Dictionary<string, string>
    {
        ["related"] = "c_relatedchildaaaaaaa",
        ["unrelated"] = "c_unrelatedchildaaaaa",
        ["other-municipality"] = "c_othermunicipalityaa",
        ["protected"] = "c_protectedchildaaaaa",
        ["watched"] = "c_watchedchildaaaaaaa",
        ["missing"] = "c_missingchildaaaaaaa",
    };

    /// <summary>The cases by matrix name (<c>missing-case</c> is nowhere).</summary>
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>
    {
        ["case-1"] = "case-1",
        ["case-3"] = "case-3",
        ["case-p"] = "case-p",
        ["case-p2"] = "case-p2",
        ["missing-case"] = "case-missing",
    };

    /// <summary>The callers by matrix name.</summary>
    public static readonly IReadOnlyDictionary<string, TestPerson> Callers = new Dictionary<string, TestPerson>
    {
        ["eht-member"] = new("eht-member", "org-school-1", "1001", "School", ["Counsellor"], "01"),
        ["teacher-s1"] = new("teacher-s1", "org-school-1", "1001", "School", ["Teacher"], "01"),
        ["no-role-s1"] = new("no-role-s1", "org-school-1", "1001", "School", [], "01"),
        ["eht2-member"] = new("eht2-member", "org-school-2", "1001", "School", ["SchoolNurse"], "01"),
        ["ss-contact-1"] = new("ss-contact-1", "org-soc-1001", "1001", "SocialServices", ["SocialWorker"], "01"),
        ["ss-contact-3"] = new("ss-contact-3", "org-soc-1001", "1001", "SocialServices", ["SocialWorker"], "01"),
        ["soc-team-member"] = new("soc-team-member", "org-soc-1001", "1001", "SocialServices", ["SocialWorker"], "01"),
        ["bvc-nurse"] = new("bvc-nurse", "org-region-01", "1003", "ChildHealthCentre", ["Nurse"], "01"),
        ["bvc-nurse-region-02"] = new("bvc-nurse", "org-region-01", "1003", "ChildHealthCentre", ["Nurse"], "02"),
        ["coordinator"] = new("coordinator", "org-kommun-1001", "1001", "School", ["Coordinator"], "01"),
        ["other-muni-eht"] = new("other-muni-eht", "org-school-3", "2002", "School", ["Counsellor"], "02"),
        ["feed"] = new("feed-school-1", "org-school-1", "1001", "School", [], "01", SamverkanClaims.IngestScope),
        ["inactive-eht"] = new("inactive-eht", "org-school-1", "1001", "School", ["Counsellor"], "01"),
        ["case-only-staff"] = new("case-only-staff", "org-school-2", "1001", "School", ["Teacher"], "01"),
        ["closed-participant"] = new("closed-participant", "org-school-2", "1001", "School", ["Teacher"], "01"),
        ["central-psychologist"] = new("central-psychologist", "org-elevhalsa-1001", "1001", "School", ["Psychologist"], "01"),
        ["reviewer"] = new("reviewer-1001", "org-kommun-1001", "1001", "SocialServices", ["AuditReviewer"], "01"),
    };

    public static async Task SeedAsync(NpgsqlDataSource dataSource, TimeProvider time, IServiceProvider services)
    {
        var now = time.GetUtcNow();
        var today = SwedishTime.DateOf(now);
        var sql = $$$"""
            insert into coord_municipalities (code, name, region_code, doc) values
              ('1001', 'Ettkommun', '01', '{}'), ('2002', 'Tvåkommun', '02', '{}');
            insert into coord_schools (school_id, municipality, name, organisation, doc) values
              ('school-1', '1001', 'Skola 1', 'org-school-1',
               '{"id":"school-1","name":"Skola 1","municipality":"1001","kind":"Compulsory","organisation":"org-school-1","studentHealthTeam":"eht-1","socialServices":{"organisation":"org-soc-1001","team":"soc-1001","contactPersons":["ss-contact-1","ss-contact-2"]}}'),
              ('school-2', '1001', 'Skola 2', 'org-school-2',
               '{"id":"school-2","name":"Skola 2","municipality":"1001","kind":"Compulsory","organisation":"org-school-2","studentHealthTeam":"eht-2","socialServices":{"organisation":"org-soc-1001","contactPersons":["ss-contact-3"]}}'),
              ('school-3', '2002', 'Skola 3', 'org-school-3',
               '{"id":"school-3","name":"Skola 3","municipality":"2002","kind":"Compulsory","organisation":"org-school-3","studentHealthTeam":"eht-3","socialServices":{"organisation":"org-soc-2002","contactPersons":["ss-contact-2002"]}}');
            insert into coord_teams (team_id, municipality, agency, organisation, members, doc) values
              ('eht-1', '1001', 'School', 'org-school-1', '{eht-member,inactive-eht,central-psychologist}', '{}'),
              ('eht-2', '1001', 'School', 'org-school-2', '{eht2-member}', '{}'),
              ('eht-3', '2002', 'School', 'org-school-3', '{other-muni-eht}', '{}'),
              ('soc-1001', '1001', 'SocialServices', 'org-soc-1001', '{soc-team-member}', '{}'),
              ('bvc-01', null, 'ChildHealthCentre', 'org-region-01', '{bvc-nurse}', '{}');
            insert into coord_staff (staff_id, organisation, agency, active, doc) values
              ('eht-member', 'org-school-1', 'School', true, '{}'),
              ('inactive-eht', 'org-school-1', 'School', false, '{}'),
              ('bvc-nurse', 'org-region-01', 'ChildHealthCentre', true, '{}');
            insert into coord_children (child_key, municipality, school_id, named_person, protected_identity, watch_until, watch_owner) values
              ('{{{Children["related"]}}}', '1001', 'school-1', 'bvc-nurse', false, null, null),
              ('{{{Children["unrelated"]}}}', '1001', 'school-2', null, false, null, null),
              ('{{{Children["other-municipality"]}}}', '2002', 'school-3', null, false, null, null),
              ('{{{Children["protected"]}}}', '1001', 'school-1', null, true, null, null),
              ('{{{Children["watched"]}}}', '1001', 'school-2', null, false, @watchUntil, 'ss-contact-3');
            insert into coord_enrolments (child_key, school_id, from_date, to_date) values
              ('{{{Children["related"]}}}', 'school-1', @today, null),
              ('{{{Children["related"]}}}', 'school-2', @today - 400, @today - 300),
              ('{{{Children["unrelated"]}}}', 'school-2', @today, null),
              ('{{{Children["other-municipality"]}}}', 'school-3', @today, null),
              ('{{{Children["protected"]}}}', 'school-1', @today, null),
              ('{{{Children["watched"]}}}', 'school-2', @today, null);
            insert into coord_concerns (concern_id, child_key, municipality, school_id, category, reported_on, reporting_org, reporting_agency, outcome) values
              ('concern-1', '{{{Children["related"]}}}', '1001', 'school-1', 'Absence', @today, 'org-school-1', 'School', null),
              ('concern-3', '{{{Children["other-municipality"]}}}', '2002', 'school-3', 'Absence', @today, 'org-school-3', 'School', null),
              ('concern-w', '{{{Children["watched"]}}}', '1001', 'school-2', 'Absence', @today, 'org-school-2', 'School', 'NotOpened');
            insert into coord_cases (case_id, child_key, municipality, school_id, kind, status, severity, opened_at, teams, staff, agencies) values
              ('case-1', '{{{Children["related"]}}}', '1001', 'school-1', 'AbsenceFollowUp', 'Open', 'Normal', @openedAt, '{eht-1,soc-1001}', '{ss-contact-1}', '{School,SocialServices}'),
              ('case-3', '{{{Children["other-municipality"]}}}', '2002', 'school-3', 'AbsenceFollowUp', 'Active', 'Normal', @openedAt, '{eht-3}', '{}', '{School}'),
              ('case-p', '{{{Children["protected"]}}}', '1001', 'school-1', 'AbsenceFollowUp', 'Closed', 'Normal', @openedAt, '{}', '{closed-participant}', '{School}'),
              ('case-p2', '{{{Children["protected"]}}}', '1001', 'school-1', 'AbsenceFollowUp', 'Planning', 'Normal', @openedAt, '{}', '{case-only-staff}', '{School}');
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("watchUntil", now.AddDays(90));
        command.Parameters.AddWithValue("today", today);
        command.Parameters.AddWithValue("openedAt", now.AddDays(-10));
        await command.ExecuteNonQueryAsync(Http.Token);

        // The related child's own record, as its grain stores it (written through Orleans' storage provider, as the grain
        // would): its profile is the one the read-model rows above describe, so what its grain projects agrees with them.
        var related = new PseudonymousKey(Children["related"]);
        var profile = new Child
        {
            Key = related,
            HomeMunicipality = new MunicipalityCode("1001"),
            Enrolments = [new Enrolment(new SchoolId("school-1"), today), new Enrolment(new SchoolId("school-2"), today.AddDays(-400), today.AddDays(-300))],
            NamedPerson = new NamedPerson(new StaffId("bvc-nurse"), Agency.ChildHealthCentre),
        };
        var record = new ActorGrainState
        {
            State = JsonSerializer.SerializeToElement(ChildState.New(related) with { Profile = profile, Consents = Consents(now) }, CoordinationJson.Options),
            StateVersion = ChildState.CurrentSchemaVersion,
            Version = 1,
        };
        var storage = services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Default);
        await storage.WriteStateAsync(
            CoordinationActors.Child, GrainId.Create(CoordinationActors.Child, related.Value), new GrainState<ActorGrainState>(record));
    }

    /// <summary>The related child's consents: attendance to the region's health care (in force), schooling (expired).</summary>
    public static ImmutableArray<Consent> Consents(DateTimeOffset now, DateTimeOffset? attendanceWithdrawnAt = null) =>
        ImmutableArray.Create(
            new Consent
            {
                Id = new ConsentId("consent-attendance"),
                GivenBy = [new ConsentGiver(ConsentGiverKind.Child)],
                Recipients = [new OrganisationId("org-region-01")],
                Categories = [InformationCategory.Attendance],
                Purpose = "joint follow-up of absence",
                ValidFrom = now.AddDays(-30),
                WithdrawnAt = attendanceWithdrawnAt,
                RecordedAt = now.AddDays(-30),
            },
            new Consent
            {
                Id = new ConsentId("consent-schooling-expired"),
                GivenBy = [new ConsentGiver(ConsentGiverKind.Child)],
                Recipients = [new OrganisationId("org-region-01")],
                Categories = [InformationCategory.Schooling],
                Purpose = "an earlier plan",
                ValidFrom = now.AddDays(-300),
                ValidTo = now.AddDays(-200),
                RecordedAt = now.AddDays(-300),
            });
}
