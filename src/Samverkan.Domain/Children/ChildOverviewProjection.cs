using System.Collections.Immutable;
using System.Globalization;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Children;

/// <summary>Projects a child's state into its overview. Pure.</summary>
public static class ChildOverviewProjection
{
    public static ChildOverview Project(
        ChildState state,
        DateTimeOffset now,
        OverviewOptions? options = null,
        SchoolCalendar? calendar = null,
        EffectiveRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= OverviewOptions.Default;
        var today = SwedishTime.DateOf(now);
        var profile = state.Profile;
        var hide = profile?.ProtectedIdentity == true && !options.RevealProtectedDetails;

        var weeks = state.Absence.Days
            .GroupBy(d => (Year: ISOWeek.GetYear(d.Date.ToDateTime(TimeOnly.MinValue)), Week: ISOWeek.GetWeekOfYear(d.Date.ToDateTime(TimeOnly.MinValue))))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var offered = g.Sum(d => d.Totals.Offered);
                var excused = g.Sum(d => d.Totals.Excused);
                var unexcused = g.Sum(d => d.Totals.Unexcused);
                return new WeeklyAbsence(
                    g.Key.Year,
                    g.Key.Week,
                    DateOnly.FromDateTime(ISOWeek.ToDateTime(g.Key.Year, g.Key.Week, DayOfWeek.Monday)),
                    g.Count(d => d.Totals.Offered > 0),
                    offered,
                    g.Sum(d => d.Totals.Attended),
                    excused,
                    unexcused,
                    g.Sum(d => d.Totals.Other),
                    Percent(excused + unexcused, offered),
                    Percent(unexcused, offered));
            })
            .ToImmutableArray();

        var concerns = state.Concerns
            .OrderBy(c => c.Date)
            .ThenBy(c => c.ReceivedAt)
            .Select(c => new ConcernSummary(c.Id, c.Category, c.Date, c.ReportingAgency, c.ReporterRole, c.Urgent, c.Outcome?.Decision, c.Outcome?.DecidedAt)
            {
                Summary = options.IncludeConcernSummaries ? c.Summary : null,
                Reporter = options.IncludeReporters ? state.ConcernReporters.FirstOrDefault(r => r.Concern == c.Id)?.Reporter : null,
            })
            .ToImmutableArray();

        var ruleStatus = ImmutableArray<RuleStatus>.Empty;
        if (calendar is not null && rules is not null)
        {
            ruleStatus =
            [
                .. rules.Rules
                    .Where(r => r.Enabled && r.Kind != RuleKind.SignalUnderWatch)
                    .Select(r =>
                    {
                        var measurement = RuleEvaluator.Measure(r, state, calendar, today);
                        var track = state.RuleTracks.FirstOrDefault(t => t.Rule == r.Id);
                        return new RuleStatus(r.Id, r.Kind, measurement.Level, track?.Armed ?? true, track?.LastFiredAt, measurement.Evidence);
                    }),
            ];
        }

        return new ChildOverview
        {
            Key = state.Key,
            HomeMunicipality = profile?.HomeMunicipality,
            CurrentSchool = hide ? null : profile?.EnrolmentAt(today)?.School,
            ProtectedIdentity = profile?.ProtectedIdentity ?? false,
            NamedPerson = profile?.NamedPerson,
            PlacedInCare = profile?.PlacedInCare is { } p && (p.To is null || p.To >= today),
            PlacingMunicipality = hide ? null : profile?.PlacedInCare?.PlacingMunicipality,
            Weeks = weeks,
            Concerns = concerns,
            Watch = state.Watch is { } w ? new WatchSummary(w.IsActiveAt(now), w.Owner, w.StartedAt, w.EndsAt, w.Concern) : null,
            OpenCases = state.OpenCases,
            Rules = ruleStatus,
        };
    }

    private static decimal Percent(int part, int whole) => whole == 0 ? 0m : Math.Round(part * 100m / whole, 1);
}
