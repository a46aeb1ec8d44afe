using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>
/// A joint case (samverkansärende): the persisted state of a case actor. Case work (issue 8) added the lead, the
/// joint plan, meetings, role vacancies, SIP details and placement follow-ups as properties with empty defaults, so
/// version 1 documents read as version 2 unchanged.
/// </summary>
public sealed record CaseState
{
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required CaseId Id { get; init; }

    public required PseudonymousKey Child { get; init; }

    public MunicipalityCode? Municipality { get; init; }

    public SchoolId? School { get; init; }

    public required CaseKind Kind { get; init; }

    public CaseStatus Status { get; init; } = CaseStatus.Open;

    public required Severity Severity { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    public required DateTimeOffset AcknowledgementDueAt { get; init; }

    public CaseAcknowledgement? Acknowledgement { get; init; }

    /// <summary>The deadline passed without acknowledgement (escalated once).</summary>
    public bool AcknowledgementOverdue { get; init; }

    public ImmutableArray<CaseEvidence> Evidence { get; init; } = [];

    public ImmutableArray<CaseParticipant> Participants { get; init; } = [];

    public ParticipantRef? ProposedLead { get; init; }

    public bool ProtectedIdentity { get; init; }

    public DecisionNotToAct? DecisionNotToAct { get; init; }

    public CaseClosure? Closure { get; init; }

    public ImmutableArray<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>The lead professional, once someone took or was given the lead (<see cref="ProposedLead"/> until then).</summary>
    public CaseLead? Lead { get; init; }

    public JointPlan Plan { get; init; } = JointPlan.Empty;

    public ImmutableArray<CaseMeeting> Meetings { get; init; } = [];

    /// <summary>Roles whose holder left; cleared by a handover.</summary>
    public ImmutableArray<RoleVacancy> Vacancies { get; init; } = [];

    /// <summary>For <see cref="CaseKind.Sip"/> cases.</summary>
    public SipDetails? Sip { get; init; }

    /// <summary>For <see cref="CaseKind.PlacedChildFollowUp"/> cases.</summary>
    public PlacementFollowUps? Placement { get; init; }

    /// <summary>The number of actions, meetings and follow-ups created (their ids are <c>a{n}</c>, <c>m{n}</c>, <c>f{n}</c>).</summary>
    public int WorkSequence { get; init; }

    /// <summary>Every legal basis on which a participant outside the school takes part.</summary>
    [JsonIgnore]
    public ImmutableArray<LegalBasis> LegalBases => [.. Participants.Where(p => p.Basis is not null).Select(p => p.Basis!).Distinct()];

    [JsonIgnore]
    public bool IsClosed => Status == CaseStatus.Closed;

    /// <summary>True when <paramref name="actor"/> is a participant (directly or through a team).</summary>
    public bool IsParticipant(ActingStaff actor) => Participants.Any(p => p.Who.Includes(actor));
}
