using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Calendar;

/// <summary>
/// One school year of a municipality: its two terms and the breaks inside them. Days between the terms
/// (Christmas, summer) are not school days whether or not a break is configured for them.
/// </summary>
public sealed record SchoolYearDefinition
{
    /// <summary>The calendar year the school year starts in (2025 for 2025/26).</summary>
    public required int StartYear { get; init; }

    public required DateRange AutumnTerm { get; init; }

    public required DateRange SpringTerm { get; init; }

    public ImmutableArray<SchoolBreak> Breaks { get; init; } = [];

    /// <summary>E.g. <c>2025/26</c>.</summary>
    [JsonIgnore]
    public string Label => $"{StartYear}/{(StartYear + 1) % 100:00}";
}
