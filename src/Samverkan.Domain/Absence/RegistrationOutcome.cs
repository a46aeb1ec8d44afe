using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Absence;

/// <summary>What became of one registration in a batch.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RegistrationOutcomeKind>))]
public enum RegistrationOutcomeKind
{
    /// <summary>A registration not seen before.</summary>
    Added,

    /// <summary>A newer version of a known registration (a correction) replaced the older one.</summary>
    Replaced,

    /// <summary>The same version was already recorded (a replay).</summary>
    Unchanged,

    /// <summary>A newer version is already recorded; this older one was ignored (out-of-order delivery).</summary>
    Superseded,

    /// <summary>Refused; see the errors.</summary>
    Rejected,
}

/// <summary>The outcome of the registration at <see cref="Index"/> in the batch.</summary>
public sealed record RegistrationOutcome(int Index, string Source, string SourceId, RegistrationOutcomeKind Kind)
{
    public ImmutableArray<FieldError> Errors { get; init; } = [];

    public bool Accepted => Kind != RegistrationOutcomeKind.Rejected;
}
