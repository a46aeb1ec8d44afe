using System.Text.Json;
using Npgsql;
using Samverkan.Host.Demo;

namespace Samverkan.Host.Security;

/// <summary>A demo user of the Development sign-in (section <c>Samverkan:DevUsers</c>, or the roster in the database).</summary>
public sealed class DevUser
{
    /// <summary>The staff id (<c>sub</c>); a feed's client id.</summary>
    public string Staff { get; set; } = "";

    /// <summary>What the sign-in page shows (demo data only).</summary>
    public string Name { get; set; } = "";

    public string Organisation { get; set; } = "";

    public string Municipality { get; set; } = "";

    /// <summary>An agency name such as <c>School</c>.</summary>
    public string Agency { get; set; } = "";

    public IList<string> Roles { get; set; } = [];

    public string? Region { get; set; }

    /// <summary><c>samverkan.ingest</c> for a demo feed; null for a person.</summary>
    public string? Scope { get; set; }
}

/// <summary>
/// The demo users: the active staff of the roster read models when there are any, else <c>Samverkan:DevUsers</c>; with
/// the demo data (<c>Samverkan:Demo:Enabled</c>) also <see cref="DemoData.SignInUsers"/>: the feed, administrator and
/// audit reviewer the roster cannot hold.
/// </summary>
internal sealed class DevUserDirectory(NpgsqlDataSource dataSource, IConfiguration configuration)
{
    public const string SectionName = "Samverkan:DevUsers";

    private const int MaxUsers = 500;

    public async Task<IReadOnlyList<DevUser>> ListAsync(CancellationToken cancellationToken)
    {
        var fromRoster = await ReadRosterAsync(cancellationToken).ConfigureAwait(false);
        var users = fromRoster.Count > 0 ? fromRoster : configuration.GetSection(SectionName).Get<List<DevUser>>() ?? [];
        return configuration.GetValue(DemoData.EnabledSetting, true) ? [.. users, .. DemoData.SignInUsers] : users;
    }

    /// <summary>The user with this staff id, else the one with this name.</summary>
    public async Task<DevUser?> FindAsync(string user, CancellationToken cancellationToken)
    {
        var users = await ListAsync(cancellationToken).ConfigureAwait(false);
        return users.FirstOrDefault(u => string.Equals(u.Staff, user, StringComparison.Ordinal))
            ?? users.FirstOrDefault(u => string.Equals(u.Name, user, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<List<DevUser>> ReadRosterAsync(CancellationToken cancellationToken)
    {
        var users = new List<DevUser>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand(
            "select to_regclass('coord_staff') is not null and to_regclass('coord_teams') is not null and to_regclass('coord_schools') is not null",
            connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return users;
            }
        }

        // The municipality of a person: of a municipal team they belong to, else of a school of their organisation.
        await using var command = new NpgsqlCommand(
            """
            select s.staff_id, s.organisation, s.agency, s.doc, m.municipality, r.region_code
              from coord_staff s
              cross join lateral (
                  select coalesce(
                      (select t.municipality from coord_teams t where s.staff_id = any (t.members) and t.municipality is not null
                        order by t.team_id limit 1),
                      (select sc.municipality from coord_schools sc where sc.organisation = s.organisation order by sc.school_id limit 1))
                      as municipality) m
              left join coord_municipalities r on r.code = m.municipality
             where s.active and m.municipality is not null
             order by s.staff_id
             limit $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = MaxUsers });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var doc = JsonDocument.Parse(reader.GetString(3));
            var staff = reader.GetString(0);
            users.Add(new DevUser
            {
                Staff = staff,
                Organisation = reader.GetString(1),
                Agency = reader.GetString(2),
                Name = Json.String(doc.RootElement, "displayName") ?? staff,
                Roles = Json.Strings(doc.RootElement, "roles"),
                Municipality = reader.GetString(4),
                Region = reader.IsDBNull(5) ? null : reader.GetString(5),
            });
        }

        return users;
    }
}

/// <summary>Reads read-model documents by property name, ignoring case (documents use web naming).</summary>
internal static class Json
{
    public static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
            }
        }

        return null;
    }

    public static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static List<string> Strings(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.Array } array
            ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
}
