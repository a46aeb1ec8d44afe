using System.Collections.Immutable;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Host.Alerts;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// The signed-in person of a dashboard circuit: the caller from the session, their teams and display name, and whether they
/// see the statistics page (<c>/statistics</c>: a coordinator or the region's coordinator), and whether they are an IT
/// operator (role <c>Operator</c>: the SS 12000 sources page, <c>/school-sync</c>).
/// </summary>
public sealed record DashboardUser(Caller Caller, ImmutableArray<string> Teams, string DisplayName, bool SeesStatistics = false, bool IsOperator = false)
{
    /// <summary>The region's coordinator without a municipality's coordinator role: their overview is the statistics.</summary>
    public bool RegionalOnly => SeesStatistics && !Caller.IsCoordinator;

    /// <summary>Which overview the person gets.</summary>
    public DashboardRole Role =>
        Caller.IsCoordinator ? DashboardRole.Coordinator
        : Caller.Agency == Domain.Organisation.Agency.SocialServices ? DashboardRole.SocialServices
        : Caller.Agency == Domain.Organisation.Agency.School ? DashboardRole.SchoolTeam
        : DashboardRole.Other;
}

public enum DashboardRole
{
    SchoolTeam,
    SocialServices,
    Coordinator,
    Other,
}

/// <summary>A case in a list with what it expects of the viewer.</summary>
public sealed record DashboardCase(CaseSummary Summary, string? SchoolName, bool Participating);

public sealed record SchoolTeamOverview(
    IReadOnlyList<DashboardCase> Cases, IReadOnlyList<AlertView> Alerts, IReadOnlyList<string> SchoolNames, IReadOnlyCollection<string> SchoolIds)
{
    /// <summary>The cases of the alerts that the person may see (open or closed, any school), by case id.</summary>
    public IReadOnlyDictionary<string, DashboardCase> AlertCases { get; init; } = new Dictionary<string, DashboardCase>();
}

public sealed record PendingConcern(string ConcernId, string ChildKey, string? SchoolName, string Category, DateOnly ReportedOn);

public sealed record WatchedChild(string ChildKey, string? SchoolName, DateTimeOffset WatchUntil, bool Mine);

public sealed record SocialServicesOverview(
    IReadOnlyList<DashboardCase> Cases, IReadOnlyList<PendingConcern> Concerns, IReadOnlyList<WatchedChild> Watches, IReadOnlyList<string> SchoolNames);

/// <summary>A count under a label (a status, school or kind).</summary>
public sealed record Count(string Key, string Label, long Value);

/// <summary>An open case as the coordinator sees it: no child; the case id only when the coordinator takes part.</summary>
public sealed record WaitingCase(string? CaseId, string? SchoolName, string Kind, string Status, DateTimeOffset OpenedAt);

public sealed record CoordinatorOverview(
    long OpenCases,
    long UnacknowledgedAlerts,
    long OverdueAcknowledgements,
    long InFollowUp,
    IReadOnlyList<Count> ByStatus,
    IReadOnlyList<Count> BySchool,
    IReadOnlyList<Count> ByKind,
    IReadOnlyList<WaitingCase> Waiting)
{
    /// <summary>Overdue follow-ups of case work (<c>coord_case_work</c>), aggregated.</summary>
    public OverdueWork OverdueWork { get; init; } = OverdueWork.None;
}

/// <summary>
/// What case work has overdue in the municipality's open cases: how many cases have anything overdue, and the overdue plan
/// actions, vacant roles, SIPs past their first-meeting deadline and placed children's overdue follow-ups. Counts only.
/// </summary>
public sealed record OverdueWork(long Cases, long PlanActions, long Vacancies, long Sips, long PlacementFollowUps)
{
    public static OverdueWork None { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>
/// A case page: the case (timeline entries restricted to another agency removed), the child's weekly absence when the
/// viewer may see attendance (null otherwise), and the names of the staff, teams and school it mentions.
/// </summary>
public sealed record CaseView(
    CaseState Case,
    ImmutableArray<WeeklyAbsence>? Weeks,
    bool Participating,
    IReadOnlyDictionary<string, string> StaffNames,
    IReadOnlyDictionary<string, string> TeamNames,
    string? SchoolName)
{
    /// <summary>Names of the schools the case and its timeline mention, by id; empty when the viewer may not see the location.</summary>
    public IReadOnlyDictionary<string, string> SchoolNames { get; init; } = new Dictionary<string, string>();
}

/// <summary>What became of an action taken on the dashboard.</summary>
public sealed record ActionOutcome(bool Ok, string? Message)
{
    public static ActionOutcome Done { get; } = new(true, null);
}
