using System.Text.Json.Serialization;

namespace Samverkan.Domain.Sharing;

/// <summary>Why information may cross an agency line.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LegalBasisKind>))]
public enum LegalBasisKind
{
    /// <summary>A report of concern: it reaches social services by law (SoL 14 kap. 1 §).</summary>
    ReportOfConcern,

    /// <summary>A watch after a concern without investigation: social services own the follow-up.</summary>
    Watch,

    /// <summary>A recorded, valid consent.</summary>
    Consent,

    /// <summary>Another statutory basis, named in the reference.</summary>
    Statutory,
}

/// <summary>A recorded basis for a disclosure or a participation; <see cref="Reference"/> names the concern, consent or provision.</summary>
public sealed record LegalBasis(LegalBasisKind Kind, string Reference, DateTimeOffset EstablishedAt);
