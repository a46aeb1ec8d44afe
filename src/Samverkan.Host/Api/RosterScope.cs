using Npgsql;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>
/// Whose roster a caller may write: their own municipality's schools and municipal teams, and their region's regional
/// teams (a team without a municipality). An entry that exists already must belong there too, so that writing it with
/// one's own municipality cannot move another municipality's school or team (and its members' access) over.
/// </summary>
internal static class RosterScope
{
    public const string OtherMunicipalityCode = "OtherMunicipality";

    public static async Task<bool> MayWriteSchoolAsync(Caller caller, School school, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (school.Municipality != caller.Municipality)
        {
            return false;
        }

        return await SchoolMunicipalityAsync(database, school.Id.Value, cancellationToken).ConfigureAwait(false) is not { } stored
            || stored == caller.Municipality.Value;
    }

    /// <summary>The municipality of a school the roster has (from the read model, not a cache: this decides access), or null.</summary>
    public static async Task<string?> SchoolMunicipalityAsync(NpgsqlDataSource database, string schoolId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select municipality from coord_schools where school_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public static async Task<bool> MayWriteTeamAsync(Caller caller, Team team, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (!Covers(caller, team.Municipality?.Value, team.RegionCode))
        {
            return false;
        }

        await using var command = database.CreateCommand("select municipality, doc->>'regionCode' from coord_teams where team_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = team.Id.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return !await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            || Covers(caller, reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>A municipal entry by its municipality; a regional one (no municipality) by its region.</summary>
    private static bool Covers(Caller caller, string? municipality, string? region) =>
        municipality is not null
            ? municipality == caller.Municipality.Value
            : region is not null && string.Equals(region, caller.RegionCode, StringComparison.Ordinal);
}
