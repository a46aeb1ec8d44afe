using System.Text.Json.Serialization;

namespace Samverkan.Domain.Cases;

/// <summary>Why a case was closed. <see cref="Other"/> needs a note.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CloseReason>))]
public enum CloseReason
{
    /// <summary>The plan worked; the need is met.</summary>
    Resolved,

    /// <summary>The participants decided not to act (recorded as a <see cref="DecisionNotToAct"/>).</summary>
    DecidedNotToAct,

    /// <summary>Another case covers the same need.</summary>
    Duplicate,

    /// <summary>The child moved; the case was handed over or ended.</summary>
    ChildMoved,

    Other,
}
