using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Host.Security;

/// <summary>Why a caller may see a child (need-to-know relations, read from the coordination read models).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChildRelation>))]
public enum ChildRelation
{
    /// <summary>Staff of the organisation of the school the child is enrolled at, in a school role.</summary>
    SchoolStaff,

    /// <summary>A member of the student-health team of the child's school.</summary>
    StudentHealthTeam,

    /// <summary>A social-services contact person of the child's school, when the child has a concern, a case or a watch.</summary>
    SocialServicesContact,

    /// <summary>A participant (in person or through a team) of a case about the child that is not closed (or of the case asked about).</summary>
    CaseParticipant,

    /// <summary>The child's named person (trygghetsperson).</summary>
    NamedPerson,

    /// <summary>The owner of the child's current watch.</summary>
    WatchOwner,
}

/// <summary>A category of information the caller may see, and on what basis when it crosses an agency line.</summary>
/// <param name="Category">The category.</param>
/// <param name="Basis">Null for the caller's own agency's information (and the joint case for its participants); otherwise the consent or legal basis.</param>
/// <param name="Reference">The consent id, concern id or other reference of the basis.</param>
public sealed record CategoryGrant(InformationCategory Category, LegalBasisKind? Basis, string? Reference);

/// <summary>
/// What a caller may see of a child (or a case), decided for this request only: never cache it, a removed relation
/// takes effect at the next request. When not <see cref="Allowed"/>, answer 404, exactly as for a child that does
/// not exist. When allowed with no <see cref="Categories"/>, show only that the child has cases and whom to contact.
/// </summary>
public sealed record ChildAccessDecision
{
    public bool Allowed { get; init; }

    public PseudonymousKey? Child { get; init; }

    /// <summary>The case asked about (<see cref="IChildAccess.DecideCaseAsync"/>).</summary>
    public CaseId? Case { get; init; }

    /// <summary>The child's municipality.</summary>
    public MunicipalityCode? Municipality { get; init; }

    public ImmutableArray<ChildRelation> Relations { get; init; } = [];

    /// <summary>The categories whose details the caller may see.</summary>
    public ImmutableArray<CategoryGrant> Grants { get; init; } = [];

    /// <summary>The cases about the child the caller takes part in.</summary>
    public ImmutableArray<CaseId> ParticipatingCases { get; init; } = [];

    /// <summary>The child has a protected identity (skyddade personuppgifter).</summary>
    public bool ProtectedIdentity { get; init; }

    /// <summary>School, address and placement location may be shown: not protected, or the caller is in the case team.</summary>
    public bool MayShowLocation { get; init; }

    /// <summary>Who reported a concern may be shown: to social services only.</summary>
    public bool MayShowReporter { get; init; }

    /// <summary>Why not (no personal data): for logs, never for the response.</summary>
    [JsonIgnore]
    public string? DenialReason { get; init; }

    public ImmutableArray<InformationCategory> Categories => [.. Grants.Select(g => g.Category)];

    /// <summary>True when the caller may see the details of <paramref name="category"/>.</summary>
    public bool MaySee(InformationCategory category) => Allowed && Grants.Any(g => g.Category == category);

    /// <summary>True when the caller may see no details: only that cases exist and whom to contact.</summary>
    public bool ExistenceOnly => Allowed && Grants.IsEmpty;

    internal static ChildAccessDecision Denied(string reason, PseudonymousKey? child = null, CaseId? caseId = null) =>
        new() { Allowed = false, DenialReason = reason, Child = child, Case = caseId };
}
