using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Rules;

/// <summary>Where a measurement stands against a rule's levels.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeasurementLevel>))]
public enum MeasurementLevel
{
    /// <summary>Not enough data, or no term: nothing changes.</summary>
    NotApplicable,

    /// <summary>Below the re-arm level: a disarmed rule re-arms.</summary>
    Below,

    /// <summary>Between the re-arm level and the threshold (hysteresis band): nothing changes.</summary>
    Between,

    /// <summary>At or above the threshold: an armed rule fires.</summary>
    AtOrAbove,
}

/// <summary>One rule measured for one child.</summary>
public sealed record RuleMeasurement(RuleId Rule, RuleKind Kind, MeasurementLevel Level, string? EpisodeKey, RuleEvidence Evidence);

/// <summary>Everything an evaluation found: the firings, the updated tracks, the rules that re-armed, and every measurement.</summary>
public sealed record RuleAssessment(
    ImmutableArray<RuleFiring> Firings,
    ImmutableArray<RuleTrack> Tracks,
    ImmutableArray<RuleId> Rearmed,
    ImmutableArray<RuleMeasurement> Measurements);
