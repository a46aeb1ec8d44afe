using System.Text.Json.Serialization;

namespace Samverkan.Domain.Concerns;

/// <summary>What a report of concern is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConcernCategory>))]
public enum ConcernCategory
{
    /// <summary>Omsorgssvikt.</summary>
    Neglect,

    /// <summary>Våld (the child is subjected to or witnesses violence).</summary>
    Violence,

    /// <summary>Skolfrånvaro.</summary>
    SchoolAbsence,

    /// <summary>Psykisk ohälsa.</summary>
    MentalHealth,

    /// <summary>Missbruk (the child's or in the home).</summary>
    Substance,

    /// <summary>Kriminalitet.</summary>
    Crime,

    Other,
}
