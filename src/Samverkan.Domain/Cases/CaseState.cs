using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>
/// A joint case (samverkansärende): the persisted state of a case actor. Plans, meetings and SIP details
/// (issue 8) will be added as further properties with empty defaults.
/// </summary>
public sealed record CaseState
{
    public const int CurrentSchemaVersion = 1;

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

    /// <summary>Every legal basis on which a participant outside the school takes part.</summary>
    [JsonIgnore]
    public ImmutableArray<LegalBasis> LegalBases => [.. Participants.Where(p => p.Basis is not null).Select(p => p.Basis!).Distinct()];

    [JsonIgnore]
    public bool IsClosed => Status == CaseStatus.Closed;

    /// <summary>True when <paramref name="actor"/> is a participant (directly or through a team).</summary>
    public bool IsParticipant(ActingStaff actor) => Participants.Any(p => p.Who.Includes(actor));
}
