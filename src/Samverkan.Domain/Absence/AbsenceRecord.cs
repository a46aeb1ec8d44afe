using System.Collections.Immutable;
using Samverkan.Domain.Calendar;

namespace Samverkan.Domain.Absence;

/// <summary>
/// A child's rolling absence record: one <see cref="AbsenceDay"/> per date with registrations, in date
/// order, for the retained school years. Applying registrations is a last-writer-wins merge per
/// registration key (ordered by version, then content), so the result does not depend on the order or
/// repetition of deliveries.
/// </summary>
public sealed record AbsenceRecord
{
    public static AbsenceRecord Empty { get; } = new();

    /// <summary>The days with registrations, in date order.</summary>
    public ImmutableArray<AbsenceDay> Days { get; init; } = [];

    /// <summary>The day of <paramref name="date"/>, or null without registrations.</summary>
    public AbsenceDay? Find(DateOnly date)
    {
        var index = IndexOf(date);
        return index >= 0 ? Days[index] : null;
    }

    /// <summary>The totals of <paramref name="date"/> (zero without registrations).</summary>
    public AbsenceTotals TotalsOn(DateOnly date) => Find(date)?.Totals ?? AbsenceTotals.Zero;

    /// <summary>The days from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    public IEnumerable<AbsenceDay> DaysBetween(DateOnly from, DateOnly to)
    {
        var start = IndexOf(from);
        for (var i = start >= 0 ? start : ~start; i < Days.Length && Days[i].Date <= to; i++)
        {
            yield return Days[i];
        }
    }

    /// <summary>
    /// Applies registrations as of <paramref name="now"/>: validates each, refuses dates older than the
    /// correction horizon, replaces earlier versions with the same key (even on another date), seals days
    /// that left the horizon and drops days older than the retained school years.
    /// </summary>
    public AbsenceApplyResult Apply(IReadOnlyList<AbsenceRegistration> registrations, AbsenceRecordPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(policy);
        var today = SwedishTime.DateOf(now);
        var retainedFrom = policy.RetainedFrom(today);
        var openFrom = policy.OpenFrom(today);

        var days = new SortedDictionary<DateOnly, WorkingDay>();
        var keyIndex = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var day in Days)
        {
            if (day.Date < retainedFrom)
            {
                continue;
            }

            var working = day.Sealed || day.Date < openFrom
                ? WorkingDay.SealedWith(day.Totals)
                : WorkingDay.Open(day.Entries);
            days[day.Date] = working;
            if (!working.Sealed)
            {
                foreach (var key in working.Entries.Keys)
                {
                    keyIndex[key] = day.Date;
                }
            }
        }

        var outcomes = ImmutableArray.CreateBuilder<RegistrationOutcome>(registrations.Count);
        for (var i = 0; i < registrations.Count; i++)
        {
            var registration = registrations[i];
            var errors = AbsenceValidation.Validate(registration, now);
            if (errors.IsEmpty && registration.Date < openFrom)
            {
                errors = [AbsenceValidation.OutsideCorrectionHorizon(openFrom)];
            }

            if (!errors.IsEmpty)
            {
                outcomes.Add(new RegistrationOutcome(i, registration.Source, registration.SourceId, RegistrationOutcomeKind.Rejected) { Errors = errors });
                continue;
            }

            var entry = AbsenceEntry.From(registration);
            var kind = RegistrationOutcomeKind.Added;
            if (keyIndex.TryGetValue(entry.Key, out var existingDate))
            {
                var existing = days[existingDate].Entries[entry.Key];
                var order = Compare(entry, registration.Date, existing, existingDate);
                if (order <= 0)
                {
                    var same = order == 0;
                    outcomes.Add(new RegistrationOutcome(i, registration.Source, registration.SourceId, same ? RegistrationOutcomeKind.Unchanged : RegistrationOutcomeKind.Superseded));
                    continue;
                }

                days[existingDate].Entries.Remove(entry.Key);
                kind = RegistrationOutcomeKind.Replaced;
            }

            if (!days.TryGetValue(registration.Date, out var target))
            {
                target = WorkingDay.Open([]);
                days[registration.Date] = target;
            }

            target.Entries[entry.Key] = entry;
            keyIndex[entry.Key] = registration.Date;
            outcomes.Add(new RegistrationOutcome(i, registration.Source, registration.SourceId, kind));
        }

        var result = ImmutableArray.CreateBuilder<AbsenceDay>(days.Count);
        foreach (var (date, working) in days)
        {
            if (working.Sealed)
            {
                result.Add(new AbsenceDay { Date = date, Totals = working.SealedTotals, Sealed = true });
                continue;
            }

            if (working.Entries.Count == 0)
            {
                continue;
            }

            var entries = working.Entries.Values.OrderBy(e => e.Key, StringComparer.Ordinal).ToImmutableArray();
            var totals = entries.Aggregate(AbsenceTotals.Zero, (sum, e) => sum + e.Totals);
            result.Add(new AbsenceDay { Date = date, Totals = totals, Entries = entries });
        }

        return new AbsenceApplyResult(new AbsenceRecord { Days = result.ToImmutable() }, outcomes.ToImmutable());
    }

    /// <summary>
    /// What applying each of <paramref name="registrations"/> would make of it, without applying: <c>Added</c> (its key
    /// is not recorded in the open part of the record), <c>Replaced</c> (a correction: its <c>reportedAt</c> is later than
    /// the recorded version's), <c>Unchanged</c> (the recorded version again) or <c>Superseded</c> (stale: not later
    /// than the recorded version, with other figures). Stricter than <see cref="Apply"/> on ties: a version with the
    /// same time is never a correction here, while <see cref="Apply"/> orders ties by content so that racing deliveries
    /// converge. The ingest edge answers with this and sends only what is added or replaced.
    /// </summary>
    public ImmutableArray<RegistrationOutcomeKind> Classify(IReadOnlyList<AbsenceRegistration> registrations, AbsenceRecordPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(policy);
        var openFrom = policy.OpenFrom(SwedishTime.DateOf(now));
        var recorded = new Dictionary<string, (AbsenceEntry Entry, DateOnly Date)>(StringComparer.Ordinal);
        foreach (var day in Days.Where(d => !d.Sealed && d.Date >= openFrom))
        {
            foreach (var entry in day.Entries)
            {
                recorded[entry.Key] = (entry, day.Date);
            }
        }

        var kinds = ImmutableArray.CreateBuilder<RegistrationOutcomeKind>(registrations.Count);
        foreach (var registration in registrations)
        {
            var candidate = AbsenceEntry.From(registration);
            kinds.Add(!recorded.TryGetValue(candidate.Key, out var existing) ? RegistrationOutcomeKind.Added
                : candidate.Version > existing.Entry.Version ? RegistrationOutcomeKind.Replaced
                : candidate == existing.Entry && registration.Date == existing.Date ? RegistrationOutcomeKind.Unchanged
                : RegistrationOutcomeKind.Superseded);
        }

        return kinds.MoveToImmutable();
    }

    private int IndexOf(DateOnly date)
    {
        int lo = 0, hi = Days.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var cmp = Days[mid].Date.CompareTo(date);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    /// <summary>Total order on versions: the reported time, then the content, so ties resolve the same way everywhere.</summary>
    private static int Compare(AbsenceEntry a, DateOnly aDate, AbsenceEntry b, DateOnly bDate)
    {
        var c = a.Version.CompareTo(b.Version);
        if (c != 0)
        {
            return c;
        }

        c = a.Version.Offset.CompareTo(b.Version.Offset);
        if (c != 0)
        {
            return c;
        }

        return (aDate.DayNumber, a.Offered, a.Attended, a.Excused, a.Unexcused, a.Other)
            .CompareTo((bDate.DayNumber, b.Offered, b.Attended, b.Excused, b.Unexcused, b.Other));
    }

    private sealed class WorkingDay
    {
        private WorkingDay(bool @sealed, AbsenceTotals sealedTotals, Dictionary<string, AbsenceEntry> entries)
        {
            Sealed = @sealed;
            SealedTotals = sealedTotals;
            Entries = entries;
        }

        public bool Sealed { get; }

        public AbsenceTotals SealedTotals { get; }

        public Dictionary<string, AbsenceEntry> Entries { get; }

        public static WorkingDay SealedWith(AbsenceTotals totals) => new(true, totals, new Dictionary<string, AbsenceEntry>(StringComparer.Ordinal));

        public static WorkingDay Open(IEnumerable<AbsenceEntry> entries) =>
            new(false, AbsenceTotals.Zero, entries.ToDictionary(e => e.Key, StringComparer.Ordinal));
    }
}

/// <summary>The new record and what became of each registration.</summary>
public sealed record AbsenceApplyResult(AbsenceRecord Record, ImmutableArray<RegistrationOutcome> Outcomes);
