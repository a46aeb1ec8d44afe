using System.Text.Json.Serialization;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Common;

/// <summary>What an alert is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertKind>))]
public enum AlertKind
{
    CaseOpened,
    CaseEvidenceAdded,
    CaseAcknowledgementOverdue,
    ConcernRegistered,
    WatchStarted,
    WatchExtended,
    WatchExpired,
    WatchWithoutOwner,
    CaseLeadAssigned,
    PlanActionAssigned,
    PlanActionOverdue,
    PlanActionEscalated,
    MeetingScheduled,
    MeetingToday,
    FollowUpDue,
    RoleNeedsReassignment,
    SipFirstMeetingDue,
    SipFirstMeetingOverdue,
    PlacementFollowUpDue,
    PlacementFollowUpOverdue,
    ReporterFeedbackDue,
    ReporterFeedbackOverdue,
    CaseHandedOver,
}

/// <summary>Who receives an alert: one staff member or a team (fanned out to its members). Exactly one is set.</summary>
public sealed record AlertRecipient
{
    public StaffId? Staff { get; init; }

    public TeamId? Team { get; init; }

    public static AlertRecipient ToStaff(StaffId staff) => new() { Staff = staff };

    public static AlertRecipient ToTeam(TeamId team) => new() { Team = team };
}

/// <summary>
/// An alert a decision wants raised; the actor persists it and it stays until acknowledged. It carries
/// ids only (no names, no school for protected children): the reader's access decides what is shown.
/// </summary>
public sealed record AlertRequest
{
    public required AlertKind Kind { get; init; }

    public required AlertRecipient Recipient { get; init; }

    public required Severity Severity { get; init; }

    public required PseudonymousKey Child { get; init; }

    public CaseId? Case { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>A short text without personal data.</summary>
    public LocalizedText? Text { get; init; }
}
