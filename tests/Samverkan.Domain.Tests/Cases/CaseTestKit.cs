using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;
using static Samverkan.Domain.Tests.TestData;

namespace Samverkan.Domain.Tests.Cases;

internal static class CaseTestKit
{
    public static readonly ActingStaff Member = new(Counsellor, Agency.School) { Teams = [StudentHealthTeam] };
    public static readonly ActingStaff NamedPersonStaff = new(Principal, Agency.School);
    public static readonly ActingStaff Stranger = new(Outsider, Agency.School) { Teams = [new TeamId("eht-other-school")] };
    public static readonly ActingStaff SocialWorker = new(ContactAnna, Agency.SocialServices) { Teams = [SocialServicesTeam] };

    public static CaseContext CaseContextAt(DateTimeOffset now, School? school = null) => new()
    {
        Now = now,
        Calendar = DefaultCalendar,
        School = school ?? School(),
        CoordinatorTeam = Coordinators,
    };

    public static CaseTrigger Trigger(
        CaseKind kind = CaseKind.AbsenceFollowUp,
        Severity severity = Severity.Normal,
        string triggerId = "t1",
        string caseId = "c_pupilaaaaaaaaaaa-1",
        LegalBasis? basis = null,
        string raisedAt = "2025-10-10 18:00") => new()
    {
        TriggerId = triggerId,
        Action = CaseTriggerAction.OpenCase,
        Case = new CaseId(caseId),
        Child = Key(),
        Kind = kind,
        Severity = severity,
        RaisedAt = At(raisedAt),
        Municipality = Borlange,
        School = SchoolA,
        Firings =
        [
            new RuleFiring
            {
                Rule = RuleIds.TotalAbsence,
                Kind = RuleKind.TotalAbsenceShare,
                Severity = severity,
                FiredAt = At(raisedAt),
                AsOf = SchoolDays("2025-10-10", "2025-10-10")[0],
                Evidence = new RuleEvidence { Summary = new LocalizedText("sv", "en") },
            },
        ],
        NamedPerson = new NamedPerson(Principal, Agency.School),
        SocialServicesBases = basis is null ? [] : [basis],
    };

    public static CaseState Opened(string at = "2025-10-10 10:00", CaseTrigger? trigger = null) =>
        CaseDecisions.Open(null, trigger ?? Trigger(), CaseContextAt(At(at))).NewState!;

    /// <summary>A case moved through the given statuses by a participant.</summary>
    public static CaseState InStatus(CaseStatus status)
    {
        var state = Opened();
        var path = status switch
        {
            CaseStatus.Open => [],
            CaseStatus.Acknowledged => [CaseStatus.Acknowledged],
            CaseStatus.Planning => [CaseStatus.Acknowledged, CaseStatus.Planning],
            CaseStatus.Active => [CaseStatus.Acknowledged, CaseStatus.Planning, CaseStatus.Active],
            CaseStatus.FollowUp => [CaseStatus.Acknowledged, CaseStatus.Planning, CaseStatus.Active, CaseStatus.FollowUp],
            _ => new[] { CaseStatus.Acknowledged, CaseStatus.Closed },
        };
        foreach (var next in path)
        {
            state = CaseDecisions.Transition(state, next, Member, CaseContextAt(At("2025-10-13 09:00")), CloseReason.Resolved).NewState!;
        }

        state.Status.ShouldBe(status);
        return state;
    }
}
