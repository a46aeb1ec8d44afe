using System.Collections.Immutable;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Host.Security;

/// <summary>The relations of one child, as the read models hold them at the moment of the request.</summary>
internal sealed record ChildFacts(
    PseudonymousKey Child,
    string? Municipality,
    string? Region,
    string? NamedPerson,
    bool ProtectedIdentity,
    DateTimeOffset? WatchUntil,
    string? WatchOwner,
    ImmutableArray<SchoolFacts> Schools,
    ImmutableArray<CaseFacts> Cases,
    ImmutableArray<ConcernFacts> Concerns,
    ImmutableHashSet<string> CallerTeams,
    bool? CallerActive);

/// <summary>A school the child is enrolled at today.</summary>
internal sealed record SchoolFacts(
    string School, string Municipality, string Organisation, string? StudentHealthTeam, ImmutableArray<string> ContactPersons);

internal sealed record CaseFacts(string Case, string Status, string? Municipality, ImmutableArray<string> Teams, ImmutableArray<string> Staff);

internal sealed record ConcernFacts(string Concern, string ReportingOrganisation);

/// <summary>
/// The need-to-know rules, as a pure function of the caller, the child's relations, its consents and the time:
/// <list type="bullet">
/// <item>Feeds never read children; deactivated staff see nothing; an unknown child is denied like a forbidden one.</item>
/// <item>Municipalities are isolated: the child's municipality must be the caller's, except that regional health staff
/// (child health centre, child psychiatry, primary care) reach children of their region's municipalities through a
/// direct relation (named person, case participant).</item>
/// <item>School staff see the children enrolled at their school: members of its student-health team, or staff of the
/// school's organisation in a school role.</item>
/// <item>Social-services contact persons of the child's school see the child when it has a concern, a case or a watch
/// (and may report a concern about it at any time: they receive the school's concerns).</item>
/// <item>Participants of a case (in person or through a team) see the case and the child; the named person and the
/// watch owner see the child. Coordinators have no relation of their own: aggregates only, unless they participate.</item>
/// </list>
/// Details: the caller's own agency's categories; the joint case (<see cref="InformationCategory.CaseWork"/>) for its
/// participants; across agency lines only with a consent in force for the caller's organisation or a legal basis (the
/// reporter of a concern learns of its concerns; social services watching a child see its attendance).
/// </summary>
internal static class ChildAccessRules
{
    private static readonly ImmutableHashSet<StaffRole> SchoolRoles =
    [
        StaffRole.Principal, StaffRole.Counsellor, StaffRole.SchoolNurse, StaffRole.Psychologist, StaffRole.SpecialEducator,
        StaffRole.Teacher, StaffRole.Mentor,
    ];

    public static ChildAccessDecision Decide(
        Caller caller, ChildFacts? facts, ImmutableArray<Consent> consents, DateTimeOffset now, CaseId? askedCase = null, bool reporting = false)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsFeed)
        {
            return ChildAccessDecision.Denied("feeds do not read children", facts?.Child, askedCase);
        }

        if (facts is null || facts.Municipality is null)
        {
            return ChildAccessDecision.Denied("unknown child", facts?.Child, askedCase);
        }

        if (facts.CallerActive is false)
        {
            return ChildAccessDecision.Denied("staff deactivated", facts.Child, askedCase);
        }

        var caseFacts = askedCase is { } id ? facts.Cases.FirstOrDefault(c => c.Case == id.Value) : null;
        if (askedCase is not null && caseFacts is null)
        {
            return ChildAccessDecision.Denied("unknown case", facts.Child, askedCase);
        }

        var staff = caller.Staff.Value;
        var sameMunicipality = string.Equals(facts.Municipality, caller.Municipality.Value, StringComparison.Ordinal)
            && (caseFacts?.Municipality is null || string.Equals(caseFacts.Municipality, caller.Municipality.Value, StringComparison.Ordinal));
        var sameRegion = IsRegional(caller.Agency) && caller.RegionCode is not null
            && string.Equals(facts.Region, caller.RegionCode, StringComparison.Ordinal);
        if (!sameMunicipality && !sameRegion)
        {
            return ChildAccessDecision.Denied("other municipality", facts.Child, askedCase);
        }

        var relations = new List<ChildRelation>();
        var participating = facts.Cases
            .Where(c => (c.Status != nameof(CaseStatus.Closed) || c.Case == caseFacts?.Case) && Participates(c, staff, facts.CallerTeams))
            .Select(c => new CaseId(c.Case))
            .ToImmutableArray();
        var watchActive = facts.WatchUntil is { } until && until > now;
        if (sameMunicipality)
        {
            foreach (var school in facts.Schools.Where(s => string.Equals(s.Municipality, caller.Municipality.Value, StringComparison.Ordinal)))
            {
                if (caller.Agency == Agency.School)
                {
                    if (school.StudentHealthTeam is { } team && facts.CallerTeams.Contains(team))
                    {
                        relations.Add(ChildRelation.StudentHealthTeam);
                    }
                    else if (string.Equals(school.Organisation, caller.Organisation.Value, StringComparison.Ordinal)
                        && caller.Roles.Any(SchoolRoles.Contains))
                    {
                        relations.Add(ChildRelation.SchoolStaff);
                    }
                }
                else if (caller.Agency == Agency.SocialServices && school.ContactPersons.Contains(staff)
                    && (reporting || !facts.Concerns.IsEmpty || facts.Cases.Any(c => c.Status != nameof(CaseStatus.Closed)) || watchActive))
                {
                    relations.Add(ChildRelation.SocialServicesContact);
                }
            }

            if (watchActive && string.Equals(facts.WatchOwner, staff, StringComparison.Ordinal))
            {
                relations.Add(ChildRelation.WatchOwner);
            }
        }

        if (string.Equals(facts.NamedPerson, staff, StringComparison.Ordinal))
        {
            relations.Add(ChildRelation.NamedPerson);
        }

        if (!participating.IsEmpty)
        {
            relations.Add(ChildRelation.CaseParticipant);
        }

        // A case asked about by a non-participant: only through a relation to its child (its school, social services, named person).
        if (relations.Count == 0)
        {
            return ChildAccessDecision.Denied(caller.IsCoordinator ? "coordinator without participation" : "no relation", facts.Child, askedCase);
        }

        var grants = Grants(caller, facts, consents, now, participating, caseFacts, relations, watchActive);
        var inCaseTeam = caseFacts is not null ? participating.Contains(new CaseId(caseFacts.Case)) : !participating.IsEmpty;
        return new ChildAccessDecision
        {
            Allowed = true,
            Child = facts.Child,
            Case = askedCase,
            Municipality = new MunicipalityCode(facts.Municipality),
            Relations = [.. relations.Distinct()],
            Grants = grants,
            ParticipatingCases = participating,
            ProtectedIdentity = facts.ProtectedIdentity,
            MayShowLocation = !facts.ProtectedIdentity || inCaseTeam,
            MayShowReporter = caller.Agency == Agency.SocialServices,
        };
    }

    private static ImmutableArray<CategoryGrant> Grants(
        Caller caller, ChildFacts facts, ImmutableArray<Consent> consents, DateTimeOffset now, ImmutableArray<CaseId> participating,
        CaseFacts? caseFacts, List<ChildRelation> relations, bool watchActive)
    {
        var grants = new Dictionary<InformationCategory, CategoryGrant>();
        void Grant(InformationCategory category, LegalBasisKind? basis = null, string? reference = null) =>
            grants.TryAdd(category, new CategoryGrant(category, basis, reference));

        foreach (var own in OwnCategories(caller.Agency))
        {
            Grant(own);
        }

        var inTheCase = caseFacts is null ? !participating.IsEmpty : participating.Contains(new CaseId(caseFacts.Case));
        if (inTheCase)
        {
            Grant(InformationCategory.CaseWork);
        }

        if (caller.Agency == Agency.School
            && facts.Concerns.FirstOrDefault(c => string.Equals(c.ReportingOrganisation, caller.Organisation.Value, StringComparison.Ordinal)) is { } reported)
        {
            // The reporter is told what became of its report (SoL 14 kap. 1 f §).
            Grant(InformationCategory.Concerns, LegalBasisKind.ReportOfConcern, reported.Concern);
        }

        if (caller.Agency == Agency.SocialServices && watchActive
            && (relations.Contains(ChildRelation.WatchOwner) || relations.Contains(ChildRelation.SocialServicesContact)))
        {
            Grant(InformationCategory.Attendance, LegalBasisKind.Watch, "watch");
        }

        foreach (var category in Enum.GetValues<InformationCategory>().Where(c => !grants.ContainsKey(c)))
        {
            if (consents.IsDefaultOrEmpty)
            {
                break;
            }

            if (consents.FirstOrDefault(c => c.IsValidFor(caller.Organisation, category, now)) is { } consent)
            {
                Grant(category, LegalBasisKind.Consent, consent.Id.Value);
            }
        }

        return [.. grants.Values.OrderBy(g => g.Category)];
    }

    private static bool Participates(CaseFacts facts, string staff, ImmutableHashSet<string> teams) =>
        facts.Staff.Contains(staff) || facts.Teams.Any(teams.Contains);

    private static bool IsRegional(Agency agency) => agency is Agency.ChildHealthCentre or Agency.ChildPsychiatry or Agency.PrimaryCare;

    private static InformationCategory[] OwnCategories(Agency agency) => agency switch
    {
        Agency.School => [InformationCategory.Attendance, InformationCategory.Schooling],
        Agency.SocialServices => [InformationCategory.SocialCircumstances, InformationCategory.Concerns],
        Agency.ChildHealthCentre or Agency.ChildPsychiatry or Agency.PrimaryCare => [InformationCategory.Health],
        _ => [],
    };
}
