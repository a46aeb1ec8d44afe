using Npgsql;
using NpgsqlTypes;
using Samverkan.Domain.Statistics;

namespace Samverkan.Host.Statistics;

/// <summary>Cases opened and closed in one period, at one school (null: not shown, see <see cref="StatisticsQuery"/>), of one kind.</summary>
public sealed record CaseStatisticsRow(string Period, string Municipality, string? School, string? SchoolName, string Kind, string Opened, string Closed);

/// <summary>Reports of concern received in one period about children of one school, and their outcomes so far.</summary>
public sealed record ConcernStatisticsRow(
    string Period, string Municipality, string? School, string? SchoolName, string Reports, string InvestigationOpened, string InvestigationNotOpened, string Awaiting);

/// <summary>A municipality's totals of one period; each total hidden when any count it is made of is hidden.</summary>
public sealed record MunicipalityStatisticsRow(
    string Period, string Municipality, string MunicipalityName, string CasesOpened, string CasesClosed, string Reports,
    string InvestigationOpened, string InvestigationNotOpened, string Awaiting, string MedianHoursToAcknowledgement);

/// <summary>Statistics of whole periods from <see cref="From"/> to <see cref="To"/>; every value passed through <see cref="SmallCounts"/> ("&lt; 5").</summary>
public sealed record StatisticsReport(
    string Period, DateOnly From, DateOnly To, IReadOnlyList<string> Municipalities,
    IReadOnlyList<MunicipalityStatisticsRow> Totals, IReadOnlyList<CaseStatisticsRow> Cases, IReadOnlyList<ConcernStatisticsRow> Concerns);

/// <summary>
/// Statistics over time from the read models (<c>coord_cases</c>, <c>coord_concerns</c>): SQL aggregates over the
/// indexes of migration 0005, bounded by the municipalities asked for and the range. No child key leaves the database.
/// A case or concern of a child with protected identity is counted under no school (its school is not shown), as in the
/// case lists. Raw counts never leave this class: <see cref="SmallCounts"/> turns each into a shown value.
/// </summary>
public sealed class StatisticsQuery(NpgsqlDataSource database)
{
    private const string CasesSql = """
        with opened as (
            select date_trunc($4, c.opened_at at time zone 'Europe/Stockholm')::date as bucket, c.municipality,
                   case when c.protected_identity then null else c.school_id end as school, c.kind, count(*) as n
              from coord_cases c
             where c.municipality = any ($1) and c.opened_at >= ($2::timestamp at time zone 'Europe/Stockholm')
               and c.opened_at < ($3::timestamp at time zone 'Europe/Stockholm')
             group by 1, 2, 3, 4),
        closed as (
            select date_trunc($4, c.closed_at at time zone 'Europe/Stockholm')::date as bucket, c.municipality,
                   case when c.protected_identity then null else c.school_id end as school, c.kind, count(*) as n
              from coord_cases c
             where c.municipality = any ($1) and c.closed_at is not null
               and c.closed_at >= ($2::timestamp at time zone 'Europe/Stockholm')
               and c.closed_at < ($3::timestamp at time zone 'Europe/Stockholm')
             group by 1, 2, 3, 4)
        select coalesce(o.bucket, x.bucket), coalesce(o.municipality, x.municipality), coalesce(o.school, x.school),
               coalesce(o.kind, x.kind), coalesce(o.n, 0), coalesce(x.n, 0), s.name
          from opened o
          full join closed x on x.bucket = o.bucket and x.municipality = o.municipality
                            and x.school is not distinct from o.school and x.kind = o.kind
          left join coord_schools s on s.school_id = coalesce(o.school, x.school)
        """;

    private const string ConcernsSql = """
        select g.bucket, g.municipality, g.school, g.reports, g.opened, g.not_opened, g.awaiting, s.name
          from (select date_trunc($4, c.reported_on::timestamp)::date as bucket, c.municipality,
                       case when coalesce(ch.protected_identity, false) then null else c.school_id end as school,
                       count(*) as reports, count(*) filter (where c.outcome = 'Opened') as opened,
                       count(*) filter (where c.outcome = 'NotOpened') as not_opened, count(*) filter (where c.outcome is null) as awaiting
                  from coord_concerns c
                  left join coord_children ch on ch.child_key = c.child_key
                 where c.municipality = any ($1) and c.reported_on >= $2::date and c.reported_on < $3::date
                 group by 1, 2, 3) g
          left join coord_schools s on s.school_id = g.school
        """;

    private const string AcknowledgementSql = """
        select date_trunc($4, c.opened_at at time zone 'Europe/Stockholm')::date, c.municipality, count(*),
               percentile_cont(0.5) within group (order by extract(epoch from c.acknowledged_at - c.opened_at) / 3600.0)
          from coord_cases c
         where c.municipality = any ($1) and c.acknowledged_at is not null
           and c.opened_at >= ($2::timestamp at time zone 'Europe/Stockholm')
           and c.opened_at < ($3::timestamp at time zone 'Europe/Stockholm')
         group by 1, 2
        """;

    /// <summary>The statistics of <paramref name="municipalities"/> (code → name) over <paramref name="range"/>.</summary>
    public async Task<StatisticsReport> ReadAsync(
        IReadOnlyDictionary<string, string> municipalities, StatisticsRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(municipalities);
        ArgumentNullException.ThrowIfNull(range);
        var codes = municipalities.Keys.Order(StringComparer.Ordinal).ToArray();
        var unit = range.Kind == PeriodKind.Week ? "week" : "month";
        var cases = new List<(DateOnly Bucket, string Municipality, string? School, string Kind, long Opened, long Closed, string? Name)>();
        var concerns = new List<(DateOnly Bucket, string Municipality, string? School, long Reports, long Opened, long NotOpened, long Awaiting, string? Name)>();
        var acknowledgements = new Dictionary<(DateOnly, string), (long N, double? Median)>();

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var reader = await Command(connection, CasesSql, codes, range, unit).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                cases.Add((reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetInt64(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        await using (var reader = await Command(connection, ConcernsSql, codes, range, unit).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                concerns.Add((reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        await using (var reader = await Command(connection, AcknowledgementSql, codes, range, unit).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                acknowledgements[(reader.GetFieldValue<DateOnly>(0), reader.GetString(1))] =
                    (reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetDouble(3));
            }
        }

        var label = (DateOnly bucket) => StatisticsRange.Label(range.Kind, bucket);
        var totals = new List<MunicipalityStatisticsRow>();
        foreach (var bucket in range.Buckets())
        {
            foreach (var code in codes)
            {
                var myCases = cases.Where(c => c.Bucket == bucket && c.Municipality == code).ToList();
                var myConcerns = concerns.Where(c => c.Bucket == bucket && c.Municipality == code).ToList();
                var ack = acknowledgements.GetValueOrDefault((bucket, code));
                totals.Add(new MunicipalityStatisticsRow(
                    label(bucket), code, municipalities[code],
                    SmallCounts.Total([.. myCases.Select(c => c.Opened)]).Text,
                    SmallCounts.Total([.. myCases.Select(c => c.Closed)]).Text,
                    SmallCounts.Total([.. myConcerns.SelectMany(c => new[] { c.Opened, c.NotOpened, c.Awaiting })]).Text,
                    SmallCounts.Total([.. myConcerns.Select(c => c.Opened)]).Text,
                    SmallCounts.Total([.. myConcerns.Select(c => c.NotOpened)]).Text,
                    SmallCounts.Total([.. myConcerns.Select(c => c.Awaiting)]).Text,
                    SmallCounts.Over(ack.Median is { } m ? Math.Round(m, 1) : null, ack.N).StatisticText));
            }
        }

        var caseRows = cases
            .OrderBy(c => c.Bucket).ThenBy(c => c.Municipality, StringComparer.Ordinal).ThenBy(c => c.School ?? "\uffff", StringComparer.Ordinal)
            .ThenBy(c => c.Kind, StringComparer.Ordinal)
            .Select(c => new CaseStatisticsRow(label(c.Bucket), c.Municipality, c.School, c.Name, c.Kind,
                SmallCounts.Count(c.Opened).Text, SmallCounts.Count(c.Closed).Text))
            .ToList();
        var concernRows = concerns
            .OrderBy(c => c.Bucket).ThenBy(c => c.Municipality, StringComparer.Ordinal).ThenBy(c => c.School ?? "\uffff", StringComparer.Ordinal)
            .Select(c =>
            {
                var (parts, total) = SmallCounts.Table([c.Opened, c.NotOpened, c.Awaiting], c.Reports);
                return new ConcernStatisticsRow(label(c.Bucket), c.Municipality, c.School, c.Name, total.Text, parts[0].Text, parts[1].Text, parts[2].Text);
            })
            .ToList();
        return new StatisticsReport(unit, range.From, range.To, codes, totals, caseRows, concernRows);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, string[] codes, StatisticsRange range, string unit)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = codes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = range.From, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = range.EndExclusive, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = unit, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }
}
