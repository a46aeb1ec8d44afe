using System.Text.Json.Serialization;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>Why a participant is in the case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseParticipantRole>))]
public enum CaseParticipantRole
{
    /// <summary>The school's student-health team (elevhälsoteam).</summary>
    StudentHealthTeam,

    /// <summary>The child's named person (trygghetsperson).</summary>
    NamedPerson,

    /// <summary>The social-services unit linked to the school.</summary>
    SocialServicesTeam,

    /// <summary>One of the school's social-services contact persons.</summary>
    SocialServicesContact,

    /// <summary>The owner of the child's watch.</summary>
    WatchOwner,

    Other,

    /// <summary>The lead professional (joined when given the lead).</summary>
    LeadProfessional,

    /// <summary>The owner of a plan action (joined with the action).</summary>
    ActionOwner,
}

/// <summary>
/// A participant of a case: who, for which agency, in which role, and (for participants outside the
/// school) the legal basis that lets them take part.
/// </summary>
public sealed record CaseParticipant(ParticipantRef Who, Agency Agency, CaseParticipantRole Role, LegalBasis? Basis, DateTimeOffset AddedAt);
