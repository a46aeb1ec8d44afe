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

    /// <summary>
    /// The entry's values by name (<see cref="TimelineFacts"/>: ids, enum names, ISO dates), so that a reader words the entry
    /// in its own language; <see cref="Text"/> is the English wording. Empty in entries recorded before facts were kept.
    /// </summary>
    public ImmutableArray<TimelineFact> Facts { get; init; } = [];

    /// <summary>The value of the fact <paramref name="name"/>, or null.</summary>
    public string? Fact(string name) => Facts.IsDefaultOrEmpty ? null : Facts.FirstOrDefault(f => f.Name == name)?.Value;

    /// <summary>This entry with <paramref name="facts"/> (pairs whose value is null are left out).</summary>
    public TimelineEntry With(params (string Key, string? Value)[] facts) => this with { Facts = TimelineFacts.Of(facts) };
}

/// <summary>One named value of a <see cref="TimelineEntry"/>.</summary>
public sealed record TimelineFact(string Name, string Value);

/// <summary>The names of a <see cref="TimelineEntry"/>'s facts. Values are ids, enum names, <c>O</c> instants and <c>yyyy-MM-dd</c> dates.</summary>
public static class TimelineFacts
{
    public const string Kind = "kind";
    public const string Severity = "severity";
    public const string From = "from";
    public const string To = "to";
    public const string Rules = "rules";
    public const string Due = "due";
    public const string At = "at";
    public const string Staff = "staff";
    public const string Team = "team";
    public const string Role = "role";
    public const string Basis = "basis";
    public const string Reason = "reason";
    public const string Note = "note";
    public const string Late = "late";
    public const string Agency = "agency";
    public const string Action = "action";
    public const string Organisation = "organisation";
    public const string Status = "status";
    public const string Meeting = "meeting";
    public const string Decisions = "decisions";
    public const string FollowUp = "followUp";
    public const string Responsible = "responsible";
    public const string Roles = "roles";
    public const string Days = "days";
    public const string Attendees = "attendees";

    /// <summary>Reason of <see cref="TimelineEntryKind.SocialServicesNotIncluded"/>: no concern, watch or consent.</summary>
    public const string NoBasis = "NoBasis";

    /// <summary>Reason of <see cref="TimelineEntryKind.SocialServicesNotIncluded"/>: a basis, but no contact at the school.</summary>
    public const string NoContact = "NoContact";

    /// <summary>Value of <see cref="To"/> in <see cref="TimelineEntryKind.SchoolChanged"/>: a school in another municipality.</summary>
    public const string Elsewhere = "Elsewhere";

    public static ImmutableArray<TimelineFact> Of(params (string Key, string? Value)[] facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return [.. facts.Where(f => f.Value is not null).Select(f => new TimelineFact(f.Key, f.Value!))];
    }

    /// <summary>An instant as a fact (round-trip <c>O</c>).</summary>
    public static string Instant(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A date as a fact (<c>yyyy-MM-dd</c>).</summary>
    public static string Date(DateOnly on) => on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
