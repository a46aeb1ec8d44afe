using System.Text.Json.Serialization;

namespace Samverkan.Domain.Cases;

/// <summary>What a joint case is about. A child has at most one open case of each kind.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseKind>))]
public enum CaseKind
{
    /// <summary>Problematic school absence (an absence rule fired).</summary>
    AbsenceFollowUp,

    /// <summary>Repeated reports of concern.</summary>
    ConcernFollowUp,

    /// <summary>A new signal while the child is under watch: always with social services.</summary>
    WatchSignal,

    /// <summary>Samordnad individuell plan: municipality and region together, with consent.</summary>
    Sip,

    /// <summary>Joint follow-up of a child placed in care (every three months).</summary>
    PlacedChildFollowUp,

    Other,
}
