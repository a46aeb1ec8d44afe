using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Absence;

/// <summary>
/// The registrations of one date. While the day is within the correction horizon its
/// <see cref="Entries"/> are kept (sorted by key) and <see cref="Totals"/> is their sum; once the day is
/// older it is <see cref="Sealed"/>: only the totals remain. Persisted with one-letter names (d, t, e, s):
/// a child keeps up to two school years of days.
/// </summary>
public sealed record AbsenceDay
{
    [JsonPropertyName("d")]
    public required DateOnly Date { get; init; }

    [JsonPropertyName("t")]
    public required AbsenceTotals Totals { get; init; }

    [JsonPropertyName("e")]
    public ImmutableArray<AbsenceEntry> Entries { get; init; } = [];

    [JsonPropertyName("s")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Sealed { get; init; }
}
