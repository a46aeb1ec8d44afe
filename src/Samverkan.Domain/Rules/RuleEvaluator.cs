using System.Collections.Immutable;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;

namespace Samverkan.Domain.Rules;

/// <summary>
/// Evaluates a child's state against the effective rules. Pure: the result depends only on the arguments.
/// The evaluation date is the Swedish date of <c>now</c>.
/// </summary>
public static class RuleEvaluator
{
    /// <summary>The rules that fire now (taking each rule's episode tracking into account).</summary>
    public static IReadOnlyList<RuleFiring> Evaluate(ChildState state, EffectiveRules rules, SchoolCalendar calendar, DateTimeOffset now) =>
        Assess(state, rules, calendar, now).Firings;

    /// <summary>
    /// Measures every enabled rule, fires the armed ones at or above threshold, re-arms the disarmed ones
    /// below their re-arm level, and adds a <see cref="RuleKind.SignalUnderWatch"/> firing when anything
    /// fired while the child is under watch. A <c>newConcern</c> being reported now counts as a signal
    /// under watch on its own.
    /// </summary>
    public static RuleAssessment Assess(ChildState state, EffectiveRules rules, SchoolCalendar calendar, DateTimeOffset now, Concern? newConcern = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(calendar);
        var asOf = SwedishTime.DateOf(now);
        var tracks = state.RuleTracks.ToDictionary(t => t.Rule);
        var firings = ImmutableArray.CreateBuilder<RuleFiring>();
        var rearmed = ImmutableArray.CreateBuilder<RuleId>();
        var measurements = ImmutableArray.CreateBuilder<RuleMeasurement>();

        foreach (var rule in rules.Rules.Where(r => r.Enabled && r.Kind != RuleKind.SignalUnderWatch))
        {
            var measurement = Measure(rule, state, calendar, asOf);
            measurements.Add(measurement);
            var track = tracks.GetValueOrDefault(rule.Id) ?? RuleTrack.Initial(rule.Id);
            var newEpisode = measurement.EpisodeKey is not null && measurement.EpisodeKey != track.EpisodeKey;
            if (measurement.Level == MeasurementLevel.AtOrAbove && (track.Armed || newEpisode))
            {
                firings.Add(new RuleFiring
                {
                    Rule = rule.Id,
                    Kind = rule.Kind,
                    Severity = rule.Severity,
                    FiredAt = now,
                    AsOf = asOf,
                    EpisodeKey = measurement.EpisodeKey,
                    Evidence = measurement.Evidence,
                });
                tracks[rule.Id] = track with
                {
                    Armed = false,
                    EpisodeKey = measurement.EpisodeKey,
                    LastFiredAt = now,
                    LastFiredAsOf = asOf,
                    Firings = track.Firings + 1,
                };
            }
            else if (measurement.Level == MeasurementLevel.Below && !track.Armed)
            {
                tracks[rule.Id] = track with { Armed = true };
                rearmed.Add(rule.Id);
            }
        }

        if (WatchSignal(state, rules, now, firings.ToImmutable(), newConcern) is { } signal)
        {
            firings.Add(signal);
        }

        return new RuleAssessment(
            firings.ToImmutable(),
            [.. tracks.Values.OrderBy(t => t.Rule.Value, StringComparer.Ordinal)],
            rearmed.ToImmutable(),
            measurements.ToImmutable());
    }

    /// <summary>
    /// The <see cref="RuleKind.SignalUnderWatch"/> firing when the child is under watch at <paramref name="now"/>
    /// and either <paramref name="underlying"/> holds firings or a <paramref name="newConcern"/> arrived; else null.
    /// </summary>
    public static RuleFiring? WatchSignal(ChildState state, EffectiveRules rules, DateTimeOffset now, IReadOnlyList<RuleFiring> underlying, Concern? newConcern)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(underlying);
        var rule = rules.EnabledOfKind(RuleKind.SignalUnderWatch).FirstOrDefault();
        if (rule is null || state.Watch is not { } watch || !watch.IsActiveAt(now) || (underlying.Count == 0 && newConcern is null))
        {
            return null;
        }

        var severity = underlying.Select(f => f.Severity).Append(rule.Severity).Max();
        var ruleIds = underlying.Select(f => f.Rule).ToImmutableArray();
        var concerns = newConcern is null ? [watch.Concern] : ImmutableArray.Create(watch.Concern, newConcern.Id);
        var sv = new List<string>();
        var en = new List<string>();
        if (!ruleIds.IsEmpty)
        {
            sv.Add("regel " + string.Join(", ", ruleIds.Select(r => r.Value)));
            en.Add("rule " + string.Join(", ", ruleIds.Select(r => r.Value)));
        }

        if (newConcern is not null)
        {
            sv.Add("ny orosanmälan");
            en.Add("new report of concern");
        }

        var what = new LocalizedText(string.Join(" och ", sv), string.Join(" and ", en));
        return new RuleFiring
        {
            Rule = rule.Id,
            Kind = rule.Kind,
            Severity = newConcern?.Urgent == true ? Severity.Urgent : severity,
            FiredAt = now,
            AsOf = SwedishTime.DateOf(now),
            EpisodeKey = newConcern?.Id.Value,
            Evidence = new RuleEvidence
            {
                Summary = new LocalizedText(
                    $"Ny signal under bevakning (till {SwedishTime.DateOf(watch.EndsAt):yyyy-MM-dd}): {what.Sv}.",
                    $"New signal under watch (until {SwedishTime.DateOf(watch.EndsAt):yyyy-MM-dd}): {what.En}."),
                UnderlyingRules = ruleIds,
                ContributingConcerns = concerns,
            },
        };
    }

    /// <summary>Measures one rule for one child as of <paramref name="asOf"/>.</summary>
    public static RuleMeasurement Measure(RuleDefinition rule, ChildState state, SchoolCalendar calendar, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(calendar);
        return rule.Kind switch
        {
            RuleKind.TotalAbsenceShare => MeasureTotalAbsence(rule, state.Absence, calendar, asOf),
            RuleKind.ConsecutiveAbsentDays => MeasureConsecutive(rule, state.Absence, calendar, asOf),
            RuleKind.UnexcusedAbsencesInTerm => MeasureUnexcused(rule, state.Absence, calendar, asOf),
            RuleKind.RepeatedConcern => MeasureRepeatedConcern(rule, state.Concerns, asOf),
            _ => new RuleMeasurement(rule.Id, rule.Kind, MeasurementLevel.NotApplicable, null, new RuleEvidence { Summary = rule.Description }),
        };
    }

    private static RuleMeasurement MeasureTotalAbsence(RuleDefinition rule, AbsenceRecord record, SchoolCalendar calendar, DateOnly asOf)
    {
        var threshold = rule.ThresholdPercent ?? 20m;
        var rearmBelow = rule.RearmBelowPercent ?? threshold;
        var minimum = rule.MinimumReportedSchoolDays ?? 1;
        var window = calendar.LastSchoolDays(asOf, rule.WindowSchoolDays ?? 20);
        var totals = AbsenceTotals.Zero;
        var reported = 0;
        var contributing = ImmutableArray.CreateBuilder<DateOnly>();
        foreach (var day in window)
        {
            var t = record.TotalsOn(day);
            totals += t;
            reported += t.Offered > 0 ? 1 : 0;
            if (t.Absent > 0)
            {
                contributing.Add(day);
            }
        }

        var percent = totals.Offered > 0 ? Math.Round(totals.Absent * 100m / totals.Offered, 1) : 0m;
        var range = window.IsEmpty ? (DateRange?)null : new DateRange(window[0], window[^1]);
        var evidence = new RuleEvidence
        {
            Summary = new LocalizedText(
                $"Frånvaro {RuleDescriptions.Sv(percent)} % ({totals.Absent} av {totals.Offered} min, varav ogiltig {totals.Unexcused}) under {window.Length} skoldagar {range}; gräns {RuleDescriptions.Sv(threshold)} %.",
                $"Absence {RuleDescriptions.En(percent)} % ({totals.Absent} of {totals.Offered} min, unexcused {totals.Unexcused}) over {window.Length} school days {range}; threshold {RuleDescriptions.En(threshold)} %."),
            Figures =
            [
                new(EvidenceFigures.AbsentPercent, percent),
                new(EvidenceFigures.AbsentMinutes, totals.Absent),
                new(EvidenceFigures.ExcusedMinutes, totals.Excused),
                new(EvidenceFigures.UnexcusedMinutes, totals.Unexcused),
                new(EvidenceFigures.OfferedMinutes, totals.Offered),
                new(EvidenceFigures.ThresholdPercent, threshold),
                new(EvidenceFigures.SchoolDaysInWindow, window.Length),
                new(EvidenceFigures.ReportedSchoolDays, reported),
            ],
            Window = range,
            ContributingDates = contributing.ToImmutable(),
        };

        MeasurementLevel level;
        if (reported < minimum || totals.Offered == 0)
        {
            level = MeasurementLevel.NotApplicable;
        }
        else if (totals.Absent * 100m >= threshold * totals.Offered)
        {
            level = MeasurementLevel.AtOrAbove;
        }
        else if (totals.Absent * 100m < rearmBelow * totals.Offered)
        {
            level = MeasurementLevel.Below;
        }
        else
        {
            level = MeasurementLevel.Between;
        }

        return new RuleMeasurement(rule.Id, rule.Kind, level, null, evidence);
    }

    private static RuleMeasurement MeasureConsecutive(RuleDefinition rule, AbsenceRecord record, SchoolCalendar calendar, DateOnly asOf)
    {
        var needed = rule.ConsecutiveDays ?? 10;
        var share = rule.AbsentDayPercent ?? 100m;
        var window = calendar.LastSchoolDays(asOf, Math.Max(rule.WindowSchoolDays ?? needed, needed));
        int bestStart = 0, bestLength = 0, runStart = 0, runLength = 0;
        for (var i = 0; i < window.Length; i++)
        {
            var t = record.TotalsOn(window[i]);
            if (t.Offered > 0 && t.Absent * 100m >= share * t.Offered)
            {
                if (runLength == 0)
                {
                    runStart = i;
                }

                runLength++;
                if (runLength >= bestLength)
                {
                    bestStart = runStart;
                    bestLength = runLength;
                }
            }
            else
            {
                runLength = 0;
            }
        }

        var run = window.Slice(bestStart, bestLength);
        var range = window.IsEmpty ? (DateRange?)null : new DateRange(window[0], window[^1]);
        var evidence = new RuleEvidence
        {
            Summary = bestLength == 0
                ? new LocalizedText($"Ingen frånvarodag bland {window.Length} skoldagar {range}.", $"No absent day among {window.Length} school days {range}.")
                : new LocalizedText(
                    $"{bestLength} skoldagar i följd med frånvaro, {run[0]:yyyy-MM-dd}–{run[^1]:yyyy-MM-dd}; gräns {needed}.",
                    $"{bestLength} consecutive school days absent, {run[0]:yyyy-MM-dd} to {run[^1]:yyyy-MM-dd}; threshold {needed}."),
            Figures =
            [
                new(EvidenceFigures.ConsecutiveDays, bestLength),
                new(EvidenceFigures.Threshold, needed),
                new(EvidenceFigures.SchoolDaysInWindow, window.Length),
            ],
            Window = range,
            ContributingDates = run,
        };
        var level = window.IsEmpty
            ? MeasurementLevel.NotApplicable
            : bestLength >= needed ? MeasurementLevel.AtOrAbove : MeasurementLevel.Below;
        return new RuleMeasurement(rule.Id, rule.Kind, level, null, evidence);
    }

    private static RuleMeasurement MeasureUnexcused(RuleDefinition rule, AbsenceRecord record, SchoolCalendar calendar, DateOnly asOf)
    {
        var needed = rule.Count ?? 5;
        var byLesson = rule.CountingUnit == UnexcusedCountingUnit.Lesson;
        var term = calendar.CurrentOrPreviousTerm(asOf);
        if (term is null)
        {
            return new RuleMeasurement(rule.Id, rule.Kind, MeasurementLevel.NotApplicable, null, new RuleEvidence
            {
                Summary = new LocalizedText("Ingen termin i kalendern.", "No term in the calendar."),
            });
        }

        var end = term.Dates.End < asOf ? term.Dates.End : asOf;
        var days = record.DaysBetween(term.Dates.Start, end).Where(d => d.Totals.Unexcused > 0).ToImmutableArray();
        var count = byLesson ? days.Sum(d => d.Totals.UnexcusedLessons) : days.Length;
        var unit = byLesson ? new LocalizedText("lektioner", "lessons") : new LocalizedText("skoldagar", "school days");
        var evidence = new RuleEvidence
        {
            Summary = new LocalizedText(
                $"{count} {unit.Sv} med ogiltig frånvaro under terminen {term.Key} ({term.Dates}); gräns {needed}.",
                $"{count} {unit.En} with unexcused absence in term {term.Key} ({term.Dates}); threshold {needed}."),
            Figures =
            [
                new(EvidenceFigures.UnexcusedCount, count),
                new(EvidenceFigures.Threshold, needed),
                new(EvidenceFigures.UnexcusedMinutes, days.Sum(d => d.Totals.Unexcused)),
            ],
            Window = new DateRange(term.Dates.Start, end < term.Dates.Start ? term.Dates.Start : end),
            ContributingDates = [.. days.Select(d => d.Date)],
        };
        var level = count >= needed ? MeasurementLevel.AtOrAbove : MeasurementLevel.Below;
        return new RuleMeasurement(rule.Id, rule.Kind, level, term.Key, evidence);
    }

    private static RuleMeasurement MeasureRepeatedConcern(RuleDefinition rule, ImmutableArray<Concern> concerns, DateOnly asOf)
    {
        var needed = rule.Count ?? 2;
        var months = rule.WithinMonths ?? 12;
        var ordered = concerns
            .OrderBy(c => c.Date)
            .ThenBy(c => c.ReceivedAt)
            .ThenBy(c => c.Id.Value, StringComparer.Ordinal)
            .ToList();
        if (ordered.Count == 0 || ordered[^1].Date < asOf.AddMonths(-months))
        {
            return new RuleMeasurement(rule.Id, rule.Kind, MeasurementLevel.Below, null, new RuleEvidence
            {
                Summary = new LocalizedText($"Ingen orosanmälan de senaste {months} månaderna.", $"No report of concern in the last {months} months."),
                Figures = [new(EvidenceFigures.ConcernCount, 0), new(EvidenceFigures.WithinMonths, months)],
            });
        }

        var newest = ordered[^1];
        var from = newest.Date.AddMonths(-months);
        var within = ordered.Where(c => c.Date >= from).ToImmutableArray();
        var evidence = new RuleEvidence
        {
            Summary = new LocalizedText(
                $"{within.Length} orosanmälningar inom {months} månader ({from:yyyy-MM-dd}–{newest.Date:yyyy-MM-dd}); gräns {needed}.",
                $"{within.Length} reports of concern within {months} months ({from:yyyy-MM-dd} to {newest.Date:yyyy-MM-dd}); threshold {needed}."),
            Figures = [new(EvidenceFigures.ConcernCount, within.Length), new(EvidenceFigures.WithinMonths, months), new(EvidenceFigures.Threshold, needed)],
            Window = new DateRange(from, newest.Date),
            ContributingDates = [.. within.Select(c => c.Date)],
            ContributingConcerns = [.. within.Select(c => c.Id)],
        };
        var level = within.Length >= needed ? MeasurementLevel.AtOrAbove : MeasurementLevel.Below;
        return new RuleMeasurement(rule.Id, rule.Kind, level, newest.Id.Value, evidence);
    }
}
