using System.Text.Json;
using Npgsql;
using Samverkan.Coordination;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Alerts;

/// <summary>An alert in a person's inbox, as the list and the stream show it. <see cref="Id"/> is its place in the person's stream.</summary>
public sealed record AlertView(
    long Id,
    string AlertKey,
    string Kind,
    string Severity,
    string? CaseId,
    string ChildKey,
    DateTimeOffset RaisedAt,
    LocalizedText? Text,
    DateTimeOffset? AcknowledgedAt);

/// <summary>Reads <c>coord_alerts</c>, the read model the inbox actors project (never written here).</summary>
internal static class AlertStore
{
    private const string Columns = "id, alert_key, kind, severity, case_id, child_key, raised_at, text::text, acknowledged_at";

    /// <summary>
    /// The person's alerts after <paramref name="afterId"/>, in stream order. One inbox actor writes a person's rows, one
    /// commit after the other, so ids of one person become visible in increasing order: reading <c>id &gt; last seen</c>
    /// never skips a row that commits later.
    /// </summary>
    public static Task<List<AlertView>> AfterAsync(NpgsqlDataSource database, StaffId staff, long afterId, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            database,
            $"select {Columns} from coord_alerts where staff_id = $1 and id > $2 order by id limit $3",
            [staff.Value, afterId, limit],
            cancellationToken);

    /// <summary>
    /// The person's highest id now, and their unacknowledged alerts up to it in stream order (the latest
    /// <paramref name="limit"/>). Rows after that id are for <see cref="AfterAsync"/>: none is returned twice.
    /// </summary>
    public static async Task<(List<AlertView> Open, long LastId)> OpenAsync(NpgsqlDataSource database, StaffId staff, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select coalesce(max(id), 0) from coord_alerts where staff_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = staff.Value });
        var last = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var open = await QueryAsync(
            database,
            $"select {Columns} from coord_alerts where staff_id = $1 and id <= $2 and acknowledged_at is null order by id desc limit $3",
            [staff.Value, last, limit],
            cancellationToken).ConfigureAwait(false);
        open.Reverse();
        return (open, last);
    }

    public static async Task<(List<AlertView> Items, long Total)> PageAsync(
        NpgsqlDataSource database, StaffId staff, bool unacknowledgedOnly, int page, int pageSize, CancellationToken cancellationToken)
    {
        var items = await QueryAsync(
            database,
            $"select {Columns} from coord_alerts where staff_id = $1 and (not $2 or acknowledged_at is null) order by id desc limit $3 offset $4",
            [staff.Value, unacknowledgedOnly, pageSize, (page - 1) * pageSize],
            cancellationToken).ConfigureAwait(false);
        await using var command = database.CreateCommand("select count(*) from coord_alerts where staff_id = $1 and (not $2 or acknowledged_at is null)");
        command.Parameters.Add(new NpgsqlParameter { Value = staff.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = unacknowledgedOnly });
        var total = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return (items, total);
    }

    /// <summary>The person's alert by its key or by its stream id; null when there is none (or it is someone else's).</summary>
    public static async Task<AlertView?> FindAsync(NpgsqlDataSource database, StaffId staff, string alert, CancellationToken cancellationToken)
    {
        var byId = long.TryParse(alert, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id);
        var rows = await QueryAsync(
            database,
            byId
                ? $"select {Columns} from coord_alerts where staff_id = $1 and id = $2"
                : $"select {Columns} from coord_alerts where staff_id = $1 and alert_key = $2",
            [staff.Value, byId ? id : alert],
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<List<AlertView>> QueryAsync(NpgsqlDataSource database, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var items = new List<AlertView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new AlertView(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<LocalizedText>(reader.GetString(7), CoordinationJson.Options),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return items;
    }
}
