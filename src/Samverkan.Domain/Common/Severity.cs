using System.Text.Json.Serialization;

namespace Samverkan.Domain.Common;

/// <summary>How quickly the people involved must react. Ordered: a higher value is more severe.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Acknowledge within the normal deadline (default one school day).</summary>
    Normal = 0,

    /// <summary>Raised attention (e.g. a signal while the child is under watch); normal deadline.</summary>
    High = 1,

    /// <summary>Acute: acknowledge within hours (default four).</summary>
    Urgent = 2,
}
