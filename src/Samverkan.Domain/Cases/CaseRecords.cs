using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Cases;

/// <summary>Evidence added to a case by one trigger.</summary>
public sealed record CaseEvidence
{
    public required string TriggerId { get; init; }

    public required DateTimeOffset AddedAt { get; init; }

    public required Severity Severity { get; init; }

    public ImmutableArray<RuleFiring> Firings { get; init; } = [];

    public ConcernId? Concern { get; init; }
}

/// <summary>Who acknowledged the case, when, and whether after the deadline.</summary>
public sealed record CaseAcknowledgement(StaffId By, DateTimeOffset At, bool Late);

/// <summary>How the case ended.</summary>
public sealed record CaseClosure(CloseReason Reason, string? Note, StaffId By, DateTimeOffset At);

/// <summary>A decision not to act, recorded as a first-class outcome: who, for which agency, when, why.</summary>
public sealed record DecisionNotToAct(StaffId By, Agency Agency, DateTimeOffset At, string Reason);

[JsonConverter(typeof(JsonStringEnumConverter<TimelineEntryKind>))]
public enum TimelineEntryKind
{
    Opened,
    EvidenceAdded,
    SeverityRaised,
    ParticipantAdded,
    SocialServicesNotIncluded,
    Acknowledged,
    AcknowledgementOverdue,
    StatusChanged,
    DecisionNotToAct,
    Closed,
    LeadAssigned,
    PlanActionAdded,
    PlanActionUpdated,
    PlanActionOverdue,
    PlanActionEscalated,
    MeetingScheduled,
    MeetingHeld,
    FollowUpDue,
    PlanAgreed,
    RoleVacated,
    HandedOver,
    SipDeadlinePassed,
    PlacementFollowUpHeld,
    PlacementFollowUpOverdue,
    PlacementFollowUpEscalated,
    SchoolChanged,
}

/// <summary>
/// One line of the case's timeline. <see cref="RestrictedTo"/> limits who may read it (null: all
/// participants); the access layer enforces it.
/// </summary>
public sealed record TimelineEntry(DateTimeOffset At, TimelineEntryKind Kind, StaffId? By, string Text)
{
    public Agency? RestrictedTo { get; init; }
}
