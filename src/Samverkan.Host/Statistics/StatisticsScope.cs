using System.Security.Claims;
using Npgsql;
using Samverkan.Host.Security;

namespace Samverkan.Host.Statistics;

/// <summary>
/// Whose statistics a caller may see. A coordinator (role <c>Coordinator</c>): their own municipality. A regional
/// coordinator (role <see cref="SamverkanClaims.RegionalCoordinatorRole"/> and a <c>region</c> claim): every municipality
/// of that region in the roster (<c>coord_municipalities.region_code</c>), side by side, or one of them. Nobody else.
/// Decided on the read models at each request, never cached.
/// </summary>
public sealed class StatisticsScope(NpgsqlDataSource database)
{
    /// <summary>What the caller may see, or why not.</summary>
    public sealed record Decision(IReadOnlyDictionary<string, string>? Municipalities, int Status, string? Problem)
    {
        public bool Allowed => Municipalities is not null;
    }

    public static bool IsRegionalCoordinator(ClaimsPrincipal user, Caller caller) =>
        !caller.IsFeed && caller.RegionCode is { Length: > 0 } && user.HasRole(SamverkanClaims.RegionalCoordinatorRole);

    /// <summary>True for whom the statistics exist at all (the dashboard's navigation asks it).</summary>
    public static bool MaySee(ClaimsPrincipal user, Caller caller) => !caller.IsFeed && (caller.IsCoordinator || IsRegionalCoordinator(user, caller));

    /// <summary>
    /// The municipalities (code → name) the caller sees; <paramref name="only"/> narrows to one. 403 for a caller who is no
    /// coordinator, or for a municipality outside their own (roster data is not secret); 404 for a municipality not in the roster.
    /// </summary>
    public async Task<Decision> DecideAsync(ClaimsPrincipal user, Caller caller, string? only, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(caller);
        if (!MaySee(user, caller))
        {
            return new Decision(null, StatusCodes.Status403Forbidden, "Statistics are for coordinators");
        }

        var regional = IsRegionalCoordinator(user, caller);
        var visible = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            regional
                ? "select code, name from coord_municipalities where region_code = $1 or code = $2"
                : "select code, name from coord_municipalities where code = $2",
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = caller.RegionCode ?? "" });
            command.Parameters.Add(new NpgsqlParameter { Value = caller.Municipality.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                visible[reader.GetString(0)] = reader.GetString(1);
            }
        }

        // A municipal coordinator whose municipality the roster does not hold yet sees its (empty) statistics.
        visible.TryAdd(caller.Municipality.Value, caller.Municipality.Value);
        if (only is null)
        {
            return new Decision(visible, StatusCodes.Status200OK, null);
        }

        if (visible.TryGetValue(only, out var name))
        {
            return new Decision(new Dictionary<string, string>(StringComparer.Ordinal) { [only] = name }, StatusCodes.Status200OK, null);
        }

        await using var exists = new NpgsqlCommand("select exists (select 1 from coord_municipalities where code = $1)", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = only });
        return await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true
            ? new Decision(null, StatusCodes.Status403Forbidden, "Statistics of another municipality are not yours to see")
            : new Decision(null, StatusCodes.Status404NotFound, "No such municipality");
    }
}
