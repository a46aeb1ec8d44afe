using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>Where a plan action stands; only its owner organisation moves it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PlanActionStatus>))]
public enum PlanActionStatus
{
    Planned,
    InProgress,
    Done,
    Cancelled,
}

/// <summary>
/// One action of the joint action plan (gemensam handlingsplan): what, which organisation (and optionally which person)
/// does it, by when, and how far it has come. Overdue actions remind their owner, then escalate to the lead.
/// </summary>
public sealed record PlanAction
{
    public required string Id { get; init; }

    public required string What { get; init; }

    public required OrganisationId Organisation { get; init; }

    public required Agency Agency { get; init; }

    public StaffId? Owner { get; init; }

    public required DateOnly DueOn { get; init; }

    public PlanActionStatus Status { get; init; } = PlanActionStatus.Planned;

    public string? Progress { get; init; }

    public required DateTimeOffset AddedAt { get; init; }

    public required StaffId AddedBy { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public StaffId? UpdatedBy { get; init; }

    /// <summary>Set when the due date passed with the action still open (the owner was reminded).</summary>
    public DateTimeOffset? OverdueSince { get; init; }

    /// <summary>Set when the action stayed open past the escalation deadline (the lead and coordinators were alerted).</summary>
    public DateTimeOffset? EscalatedAt { get; init; }

    [JsonIgnore]
    public bool IsOpen => Status is PlanActionStatus.Planned or PlanActionStatus.InProgress;
}

/// <summary>The case's one joint action plan, owned by all participants.</summary>
public sealed record JointPlan
{
    public static JointPlan Empty { get; } = new();

    public ImmutableArray<PlanAction> Actions { get; init; } = [];

    /// <summary>When the participants agreed the plan, and at which meeting.</summary>
    public DateTimeOffset? AgreedAt { get; init; }

    public string? AgreedAtMeeting { get; init; }

    /// <summary>Who holds overall responsibility for the plan (SIP: huvudansvar).</summary>
    public StaffId? OverallResponsible { get; init; }
}

/// <summary>The lead professional of a case: who, for which agency, since when, assigned by whom.</summary>
public sealed record CaseLead(StaffId Staff, Agency Agency, DateTimeOffset Since, StaffId AssignedBy);

/// <summary>A role a staff member holds on a case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseRoleKind>))]
public enum CaseRoleKind
{
    Lead,
    Participant,
    ActionOwner,
    OverallResponsible,
}

/// <summary>A role left without a person (the staff member left or was deactivated), until it is handed over.</summary>
public sealed record RoleVacancy(StaffId Staff, CaseRoleKind Role, string? Reference, DateTimeOffset FlaggedAt);
