using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>Whether a trigger opens a new case or adds evidence to the open one of its kind.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseTriggerAction>))]
public enum CaseTriggerAction
{
    OpenCase,
    AddEvidence,
}

/// <summary>
/// What a child decision asks of a case: open case <see cref="Case"/> (a new, deterministic id) or add
/// evidence to it (the child's open case of the same kind, so there are never duplicates). Carries what
/// the case needs to choose its participants: the school, the named person, and the legal bases that let
/// social services take part (empty: they are not included, and the case records that decision).
/// </summary>
public sealed record CaseTrigger
{
    /// <summary>Unique per child; a case ignores a trigger id it has already seen.</summary>
    public required string TriggerId { get; init; }

    public required CaseTriggerAction Action { get; init; }

    public required CaseId Case { get; init; }

    public required PseudonymousKey Child { get; init; }

    public required CaseKind Kind { get; init; }

    public required Severity Severity { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    public MunicipalityCode? Municipality { get; init; }

    public SchoolId? School { get; init; }

    public ImmutableArray<RuleFiring> Firings { get; init; } = [];

    /// <summary>The concern that raised the trigger, if one did.</summary>
    public ConcernId? Concern { get; init; }

    public NamedPerson? NamedPerson { get; init; }

    /// <summary>The bases for including social services; empty when there is none.</summary>
    public ImmutableArray<LegalBasis> SocialServicesBases { get; init; } = [];

    /// <summary>The owner of the child's active watch (for watch signals).</summary>
    public StaffId? WatchOwner { get; init; }

    /// <summary>The child has a protected identity: views and alerts must hide school and location.</summary>
    public bool ProtectedIdentity { get; init; }

    /// <summary>For <see cref="CaseKind.PlacedChildFollowUp"/>: the placement the follow-ups are for.</summary>
    public CarePlacement? Placement { get; init; }

    /// <summary>Participants beyond the proposal (a SIP's region and municipality participants), on the trigger's legal basis.</summary>
    public ImmutableArray<CaseParticipant> AdditionalParticipants { get; init; } = [];
}
