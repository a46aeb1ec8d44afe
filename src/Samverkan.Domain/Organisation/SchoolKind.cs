using System.Text.Json.Serialization;

namespace Samverkan.Domain.Organisation;

/// <summary>The school form (skolform) of a school unit.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SchoolKind>))]
public enum SchoolKind
{
    /// <summary>Förskola.</summary>
    Preschool,

    /// <summary>Förskoleklass.</summary>
    PreschoolClass,

    /// <summary>Grundskola.</summary>
    Compulsory,

    /// <summary>Anpassad grundskola.</summary>
    AdaptedCompulsory,

    /// <summary>Gymnasieskola.</summary>
    UpperSecondary,

    /// <summary>Anpassad gymnasieskola.</summary>
    AdaptedUpperSecondary,

    Other,
}
