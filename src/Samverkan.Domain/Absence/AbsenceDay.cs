using System.Collections.Immutable;

namespace Samverkan.Domain.Absence;

/// <summary>
/// The registrations of one date. While the day is within the correction horizon its
/// <see cref="Entries"/> are kept (sorted by key) and <see cref="Totals"/> is their sum; once the day is
/// older it is <see cref="Sealed"/>: only the totals remain.
/// </summary>
public sealed record AbsenceDay
{
    public required DateOnly Date { get; init; }

    public required AbsenceTotals Totals { get; init; }

    public ImmutableArray<AbsenceEntry> Entries { get; init; } = [];

    public bool Sealed { get; init; }
}
