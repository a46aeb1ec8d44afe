using System.Text.Json.Serialization;

namespace Samverkan.Domain.Calendar;

[JsonConverter(typeof(JsonStringEnumConverter<TermKind>))]
public enum TermKind
{
    /// <summary>Hösttermin.</summary>
    Autumn,

    /// <summary>Vårtermin.</summary>
    Spring,
}
