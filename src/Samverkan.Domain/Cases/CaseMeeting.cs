using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

[JsonConverter(typeof(JsonStringEnumConverter<MeetingStatus>))]
public enum MeetingStatus
{
    Scheduled,
    Held,
}

/// <summary>Who attended a meeting: an organisation (and agency), optionally a named staff member.</summary>
public sealed record MeetingAttendee(OrganisationId Organisation, Agency Agency, StaffId? Staff = null);

/// <summary>
/// A meeting of the case's participants: scheduled (a durable reminder on the day), then held with its attendees by
/// organisation, its decisions and the date of the next follow-up (a durable timer).
/// </summary>
public sealed record CaseMeeting
{
    public required string Id { get; init; }

    public required DateTimeOffset ScheduledAt { get; init; }

    public string? Purpose { get; init; }

    public required StaffId ScheduledBy { get; init; }

    public MeetingStatus Status { get; init; } = MeetingStatus.Scheduled;

    public DateTimeOffset? HeldAt { get; init; }

    public StaffId? RecordedBy { get; init; }

    public ImmutableArray<MeetingAttendee> Attendees { get; init; } = [];

    public ImmutableArray<string> Decisions { get; init; } = [];

    public DateOnly? NextFollowUpOn { get; init; }

    /// <summary>The follow-up date came without a later meeting scheduled; the participants were told.</summary>
    public DateTimeOffset? FollowUpDueNotifiedAt { get; init; }
}

/// <summary>
/// A coordinated individual plan (SIP): the consent it rests on, the first meeting's deadline (working days from the
/// start) and its reminder and escalation.
/// </summary>
public sealed record SipDetails
{
    public required string Consent { get; init; }

    public required DateTimeOffset FirstMeetingDueAt { get; init; }

    public required DateTimeOffset ReminderAt { get; init; }

    public DateTimeOffset? RemindedAt { get; init; }

    public DateTimeOffset? EscalatedAt { get; init; }

    public DateTimeOffset? FirstMeetingHeldAt { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<FollowUpStatus>))]
public enum FollowUpStatus
{
    Due,
    Overdue,
    Held,

    /// <summary>Not held by the escalation deadline: escalated, and the next follow-up was scheduled.</summary>
    Missed,
}

/// <summary>One joint follow-up of a placed child's schooling (school and social services), due on a date.</summary>
public sealed record PlacementFollowUp
{
    public required string Id { get; init; }

    public required DateOnly DueOn { get; init; }

    public FollowUpStatus Status { get; init; } = FollowUpStatus.Due;

    public DateTimeOffset? OverdueSince { get; init; }

    public DateTimeOffset? EscalatedAt { get; init; }

    public DateTimeOffset? HeldAt { get; init; }

    public StaffId? HeldBy { get; init; }

    public string? Notes { get; init; }
}

/// <summary>The follow-up schedule of a placed child's case: every few months (default 3), by the placing municipality.</summary>
public sealed record PlacementFollowUps
{
    public required MunicipalityCode PlacingMunicipality { get; init; }

    public ImmutableArray<PlacementFollowUp> Items { get; init; } = [];
}
