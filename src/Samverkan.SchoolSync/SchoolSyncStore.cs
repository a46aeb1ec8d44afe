using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Samverkan.Domain.Children;

namespace Samverkan.SchoolSync;

/// <summary>A pupil of a source: the key (never the civic number), the flag, the enrolments its person record gave.</summary>
public sealed record SyncedPupil(string PersonId, string Key, bool Protected, string Home, ImmutableArray<Enrolment> Enrolments, DateOnly? EndedOn);

public sealed record SyncedPlacement(string PlacementId, string PersonId, string SchoolUnit, DateOnly From, DateOnly? To);

public sealed record SyncedDuty(string DutyId, string PersonId, string DisplayName, string SchoolUnit, string DutyRole, bool HealthTeam, DateOnly From, DateOnly? To);

/// <summary>The connector's tables (<c>Migrations/0001_school_sync.sql</c>): watermarks, the source's ids, each source's state.</summary>
public sealed class SchoolSyncStore(NpgsqlDataSource database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DateTimeOffset?> WatermarkAsync(string source, string kind, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select watermark from school_sync_watermarks where source = $1 and kind = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    /// <summary>Moves the watermark forward (never back): called only once everything it covers was stored.</summary>
    public async Task AdvanceWatermarkAsync(string source, string kind, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_watermarks (source, kind, watermark) values ($1, $2, $3)
            on conflict (source, kind) do update set watermark = greatest(school_sync_watermarks.watermark, excluded.watermark), updated_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = kind });
        command.Parameters.Add(new NpgsqlParameter { Value = watermark.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Dictionary<string, SyncedPupil>> PupilsAsync(string source, IEnumerable<string> personIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "select person_id, child_key, protected, home, enrolments::text, ended_on from school_sync_pupils where source = $1 and person_id = any($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = personIds.Distinct(StringComparer.Ordinal).ToArray() });
        var pupils = new Dictionary<string, SyncedPupil>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pupils[reader.GetString(0)] = new SyncedPupil(
                reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3),
                JsonSerializer.Deserialize<ImmutableArray<Enrolment>>(reader.GetString(4), Json),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5));
        }

        return pupils;
    }

    public async Task SavePupilAsync(string source, SyncedPupil pupil, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_pupils (source, person_id, child_key, protected, home, enrolments, ended_on, modified_at)
            values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
            on conflict (source, person_id) do update set child_key = excluded.child_key, protected = excluded.protected, home = excluded.home,
                enrolments = excluded.enrolments, ended_on = excluded.ended_on, modified_at = greatest(school_sync_pupils.modified_at, excluded.modified_at)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = pupil.PersonId });
        command.Parameters.Add(new NpgsqlParameter { Value = pupil.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = pupil.Protected });
        command.Parameters.Add(new NpgsqlParameter { Value = pupil.Home });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(pupil.Enrolments, Json) });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pupil.EndedOn ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = modified.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<SyncedPlacement>> PlacementsAsync(string source, IEnumerable<string> personIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "select placement_id, person_id, school_unit, from_date, to_date from school_sync_placements where source = $1 and person_id = any($2)");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = personIds.Distinct(StringComparer.Ordinal).ToArray() });
        var placements = new List<SyncedPlacement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            placements.Add(new SyncedPlacement(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        }

        return placements;
    }

    public async Task SavePlacementAsync(string source, SyncedPlacement placement, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_placements (source, placement_id, person_id, school_unit, from_date, to_date) values ($1, $2, $3, $4, $5, $6)
            on conflict (source, placement_id) do update set person_id = excluded.person_id, school_unit = excluded.school_unit,
                from_date = excluded.from_date, to_date = excluded.to_date
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = placement.PlacementId });
        command.Parameters.Add(new NpgsqlParameter { Value = placement.PersonId });
        command.Parameters.Add(new NpgsqlParameter { Value = placement.SchoolUnit });
        command.Parameters.Add(new NpgsqlParameter { Value = placement.From });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)placement.To ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes placements; answers the persons they were of.</summary>
    public async Task<List<string>> DeletePlacementsAsync(string source, IReadOnlyCollection<string> placementIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("delete from school_sync_placements where source = $1 and placement_id = any($2) returning person_id");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = placementIds.ToArray() });
        return await ReadStringsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveDutyAsync(string source, SyncedDuty duty, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_duties (source, duty_id, person_id, display_name, school_unit, duty_role, health_team, from_date, to_date)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            on conflict (source, duty_id) do update set person_id = excluded.person_id, display_name = excluded.display_name,
                school_unit = excluded.school_unit, duty_role = excluded.duty_role, health_team = excluded.health_team,
                from_date = excluded.from_date, to_date = excluded.to_date
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.DutyId });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.PersonId });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.DisplayName });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.SchoolUnit });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.DutyRole });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.HealthTeam });
        command.Parameters.Add(new NpgsqlParameter { Value = duty.From });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)duty.To ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes duties; answers (person, school unit) of each.</summary>
    public async Task<List<(string Person, string Unit)>> DeleteDutiesAsync(string source, IReadOnlyCollection<string> dutyIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("delete from school_sync_duties where source = $1 and duty_id = any($2) returning person_id, school_unit");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = dutyIds.ToArray() });
        var removed = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            removed.Add((reader.GetString(0), reader.GetString(1)));
        }

        return removed;
    }

    /// <summary>The duties of the persons, or at the school units, of a source.</summary>
    public async Task<List<SyncedDuty>> DutiesAsync(string source, IEnumerable<string>? persons, IEnumerable<string>? units, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            select duty_id, person_id, display_name, school_unit, duty_role, health_team, from_date, to_date from school_sync_duties
             where source = $1 and (person_id = any($2) or school_unit = any($3)) order by duty_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = (persons ?? []).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (units ?? []).ToArray() });
        var duties = new List<SyncedDuty>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            duties.Add(new SyncedDuty(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetBoolean(5), reader.GetFieldValue<DateOnly>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7)));
        }

        return duties;
    }

    public async Task SaveUnitAsync(string source, string unitId, string displayName, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_units (source, unit_id, display_name) values ($1, $2, $3)
            on conflict (source, unit_id) do update set display_name = excluded.display_name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = unitId });
        command.Parameters.Add(new NpgsqlParameter { Value = displayName });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Dictionary<string, string>> UnitsAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select unit_id, display_name from school_sync_units where source = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            units[reader.GetString(0)] = reader.GetString(1);
        }

        return units;
    }

    public async Task RunStartedAsync(string source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            insert into school_sync_state (source, last_started) values ($1, $2)
            on conflict (source) do update set last_started = excluded.last_started
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The run's end: success (clears the error) or the fault's code and message (no personal data in either).</summary>
    public async Task RunEndedAsync(string source, DateTimeOffset at, string? errorCode, string? errorMessage, IReadOnlyDictionary<string, int> items, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            update school_sync_state set
                last_success = case when $3::text is null then $2 else last_success end,
                last_error = case when $3::text is null then null else $3 || ': ' || $4 end,
                last_error_at = case when $3::text is null then null else $2 end,
                last_finished = $2, backoff_until = null,
                items = $5::jsonb
             where source = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = at.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)errorCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)errorMessage ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(items, Json) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> LastSuccessAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select last_success from school_sync_state where source = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    /// <summary>A request of the run under way waits until <paramref name="until"/> (429, 5xx or no answer) before it is tried again.</summary>
    public async Task BackingOffAsync(string source, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("update school_sync_state set backoff_until = $2 where source = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = until.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<string>> ReadStringsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
