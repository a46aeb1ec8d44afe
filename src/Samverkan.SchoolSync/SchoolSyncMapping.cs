using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.SchoolSync.Ss12000;

namespace Samverkan.SchoolSync;

/// <summary>SS 12000 codes in Samverkan's terms (docs/school-sync.md has the table).</summary>
public static class SchoolSyncMapping
{
    /// <summary>Duty roles of the student-health team (elevhälsoteam); <c>Elevhälsopersonal</c> assignments add others.</summary>
    private static readonly ImmutableDictionary<string, StaffRole> HealthTeamRoles = new Dictionary<string, StaffRole>(StringComparer.Ordinal)
    {
        ["Rektor"] = StaffRole.Principal,
        ["Kurator"] = StaffRole.Counsellor,
        ["Skolsköterska"] = StaffRole.SchoolNurse,
        ["Skolpsykolog"] = StaffRole.Psychologist,
        ["Skolläkare"] = StaffRole.Doctor,
        ["Speciallärare/specialpedagog"] = StaffRole.SpecialEducator,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private static readonly ImmutableDictionary<string, StaffRole> OtherRoles = new Dictionary<string, StaffRole>(StringComparer.Ordinal)
    {
        ["Lärare"] = StaffRole.Teacher,
        ["Förstelärare"] = StaffRole.Teacher,
        ["Förskollärare"] = StaffRole.Teacher,
        ["Förskolechef"] = StaffRole.Principal,
        ["Övrig arbetsledning"] = StaffRole.Manager,
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The staff role of a duty role, or null for roles Samverkan has no role for (administrators, librarians …).</summary>
    public static StaffRole? RoleOf(string dutyRole) =>
        HealthTeamRoles.TryGetValue(dutyRole, out var role) || OtherRoles.TryGetValue(dutyRole, out role) ? role : null;

    /// <summary>A member of the school's student-health team: a health-team duty role, or an <c>Elevhälsopersonal</c> assignment.</summary>
    public static bool IsHealthTeam(Ss12000Duty duty, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(duty);
        return HealthTeamRoles.ContainsKey(duty.DutyRole!)
            || (duty.AssignmentRole ?? []).Any(a => a.AssignmentRoleType == Ss12000Codes.StudentHealthStaff && (a.EndDate is null || a.EndDate >= today));
    }

    /// <summary><c>Skyddad folkbokföring</c> and <c>Sekretessmarkering</c> both make the identity protected.</summary>
    public static bool IsProtected(string? securityMarking) =>
        securityMarking is Ss12000Codes.ProtectedRegistration or Ss12000Codes.ConfidentialityMarking;

    /// <summary>The school kind from the unit's school types (the most specific compulsory form first).</summary>
    public static SchoolKind KindOf(IReadOnlyList<string>? schoolTypes)
    {
        var types = schoolTypes ?? [];
        return types.Contains("GR") ? SchoolKind.Compulsory
            : types.Contains("GRS") ? SchoolKind.AdaptedCompulsory
            : types.Contains("GY") ? SchoolKind.UpperSecondary
            : types.Contains("GYS") ? SchoolKind.AdaptedUpperSecondary
            : types.Contains("FKLASS") ? SchoolKind.PreschoolClass
            : types.Contains("FS") ? SchoolKind.Preschool
            : SchoolKind.Other;
    }

    /// <summary>The student-health team the connector keeps for a school unit.</summary>
    public static TeamId HealthTeamOf(string schoolUnit) => new("eht-" + schoolUnit);

    /// <summary>A staff member's name for the roster: the duty's person reference name, else the signature, else neutral.</summary>
    public static string StaffName(Ss12000Duty duty)
    {
        ArgumentNullException.ThrowIfNull(duty);
        return duty.Person?.DisplayName is { Length: > 0 } name ? name
            : duty.Signature is { Length: > 0 } signature ? signature
            : "Personal " + duty.Person!.Id![..Math.Min(8, duty.Person.Id!.Length)];
    }

    public static bool IsId(string? value) => StringIds.IsValid(value);
}
