using System.Collections.Immutable;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Children;

/// <summary>Absence figures of one ISO week.</summary>
public sealed record WeeklyAbsence(
    int IsoYear,
    int IsoWeek,
    DateOnly WeekStart,
    int DaysWithRegistrations,
    int OfferedMinutes,
    int AttendedMinutes,
    int ExcusedMinutes,
    int UnexcusedMinutes,
    int OtherMinutes,
    decimal AbsentPercent,
    decimal UnexcusedPercent);

/// <summary>A concern as the overview shows it: the summary and reporter only for those entitled.</summary>
public sealed record ConcernSummary(
    ConcernId Id,
    ConcernCategory Category,
    DateOnly Date,
    Agency ReportingAgency,
    StaffRole ReporterRole,
    bool Urgent,
    InvestigationDecision? Decision,
    DateTimeOffset? DecidedAt)
{
    public string? Summary { get; init; }

    public ReporterIdentity? Reporter { get; init; }
}

/// <summary>The watch as of the overview's time.</summary>
public sealed record WatchSummary(bool Active, StaffId? Owner, DateTimeOffset StartedAt, DateTimeOffset EndsAt, ConcernId Concern);

/// <summary>Where a rule stands for the child: measured level, armed or not, last firing.</summary>
public sealed record RuleStatus(RuleId Rule, RuleKind Kind, MeasurementLevel Level, bool Armed, DateTimeOffset? LastFiredAt, RuleEvidence Evidence);

/// <summary>
/// What a reader may see beyond the default. The default shows no concern summaries, no reporters and,
/// for a child with protected identity, neither school nor placing municipality.
/// </summary>
public sealed record OverviewOptions
{
    public static OverviewOptions Default { get; } = new();

    /// <summary>Show concern summaries (social services and case participants with a basis).</summary>
    public bool IncludeConcernSummaries { get; init; }

    /// <summary>Show who reported each concern (social services only).</summary>
    public bool IncludeReporters { get; init; }

    /// <summary>Show school and placement of a child with protected identity (the case team that needs it).</summary>
    public bool RevealProtectedDetails { get; init; }
}

/// <summary>A child's overview: absence per week over time, concerns, watch, open cases, rule status.</summary>
public sealed record ChildOverview
{
    public required PseudonymousKey Key { get; init; }

    public MunicipalityCode? HomeMunicipality { get; init; }

    /// <summary>Null when unknown, or hidden for a protected identity.</summary>
    public SchoolId? CurrentSchool { get; init; }

    public bool ProtectedIdentity { get; init; }

    public NamedPerson? NamedPerson { get; init; }

    public bool PlacedInCare { get; init; }

    /// <summary>Null when not placed, or hidden for a protected identity.</summary>
    public MunicipalityCode? PlacingMunicipality { get; init; }

    public ImmutableArray<WeeklyAbsence> Weeks { get; init; } = [];

    public ImmutableArray<ConcernSummary> Concerns { get; init; } = [];

    public WatchSummary? Watch { get; init; }

    public ImmutableArray<CaseRef> OpenCases { get; init; } = [];

    /// <summary>Present when the projection was given rules and a calendar.</summary>
    public ImmutableArray<RuleStatus> Rules { get; init; } = [];
}
