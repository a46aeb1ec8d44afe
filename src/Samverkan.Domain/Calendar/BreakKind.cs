using System.Text.Json.Serialization;

namespace Samverkan.Domain.Calendar;

/// <summary>School breaks (lov) and other closed days.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BreakKind>))]
public enum BreakKind
{
    /// <summary>Höstlov.</summary>
    Autumn,

    /// <summary>Jullov (usually between the terms).</summary>
    Christmas,

    /// <summary>Sportlov / vinterlov.</summary>
    Winter,

    /// <summary>Påsklov.</summary>
    Easter,

    /// <summary>Sommarlov (usually between the terms).</summary>
    Summer,

    /// <summary>Studiedag, klämdag and other single closed days.</summary>
    Other,
}
