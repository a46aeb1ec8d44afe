using System.Collections.Immutable;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Security;

/// <summary>
/// Who may write what: the one policy every write endpoint (and the dashboard's commands) asks, the counterpart of
/// <see cref="IChildAccess"/> for reads. Decided on the roster's read models at the moment of the request, never cached.
/// <list type="bullet">
/// <item>A feed ingests only for school units of its own organisation (the school organiser); the pupil may live anywhere.</item>
/// <item>Roster entries (schools, teams, staff, enrolments) are written inside the caller's municipality, a regional team
/// inside the caller's region; an entry that exists already must be there too, so a write cannot move it over.</item>
/// <item>Staff that a command names (case lead, handover target, plan-action owner, meeting attendee, SIP participant) are
/// of the caller's municipality or region; one who is not is answered as one who does not exist.</item>
/// </list>
/// A staff member belongs where their organisation's schools and teams are, and where the teams they are members of are;
/// one whose organisation has neither yet (a new organisation, regional health staff without a team) belongs nowhere
/// else, so may be written and named.
/// </summary>
public sealed class WriteScope(NpgsqlDataSource database)
{
    /// <summary>The code of a refused roster write (403): the entry is another municipality's.</summary>
    public const string OtherMunicipalityCode = "OtherMunicipality";

    /// <summary>The refusal of a command naming staff outside the caller's reach: the same as the actors' for staff not in the roster.</summary>
    public static CommandResult NoSuchStaff { get; } = CommandResult.Refused(CaseWorkErrors.StaffNotFound, "No such staff member in the roster.");

    /// <summary>
    /// The schools among <paramref name="schools"/> that <paramref name="caller"/> (a feed) may post data of: the known school
    /// units of its own organisation. Any other (unknown, or another organiser's) is refused alike.
    /// </summary>
    public async Task<IReadOnlySet<string>> IngestibleSchoolsAsync(Caller caller, IEnumerable<string> schools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (!caller.IsFeed)
        {
            return result;
        }

        await using var command = database.CreateCommand("select school_id, organisation, municipality from coord_schools where school_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = schools.Distinct(StringComparer.Ordinal).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (caller.MayIngestFor(new OrganisationId(reader.GetString(1))))
            {
                result.Add(reader.GetString(0));
            }
        }

        return result;
    }

    /// <summary>A school is written by its own municipality's systems and administrators, and stays in that municipality.</summary>
    public async Task<bool> MayWriteSchoolAsync(Caller caller, School school, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(school);
        if (school.Municipality != caller.Municipality)
        {
            return false;
        }

        return await SchoolMunicipalityAsync(school.Id.Value, cancellationToken).ConfigureAwait(false) is not { } stored
            || stored == caller.Municipality.Value;
    }

    /// <summary>The municipality of a school the roster has (from the read model, not a cache: this decides access), or null.</summary>
    public async Task<string?> SchoolMunicipalityAsync(string schoolId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select municipality from coord_schools where school_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = schoolId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>A municipal team by its municipality's callers, a regional team (no municipality) by its region's.</summary>
    public async Task<bool> MayWriteTeamAsync(Caller caller, Team team, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(team);
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

    /// <summary>
    /// A staff member is written (upserted, deactivated) by the callers of the municipality (or region) they belong to, as
    /// stored, and that the organisation the write gives them (<paramref name="organisation"/>, null for a deactivation)
    /// belongs to: a write can neither reach another municipality's staff nor move one into another municipality's organisation.
    /// </summary>
    public async Task<bool> MayWriteStaffAsync(Caller caller, StaffId staff, OrganisationId? organisation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var stored = await PlacesAsync([staff.Value], cancellationToken).ConfigureAwait(false);
        if (!InScope(caller, stored.GetValueOrDefault(staff.Value, [])))
        {
            return false;
        }

        if (organisation is not { Value: not null } given)
        {
            return true;
        }

        await using var command = database.CreateCommand("""
            select municipality, null from coord_schools where organisation = $1
            union select municipality, doc->>'regionCode' from coord_teams where organisation = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = given.Value });
        var places = new List<(string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            places.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return InScope(caller, places);
    }

    /// <summary>
    /// Enrolments are written by the municipality of the school: every school a roster write of a child names is known and
    /// the caller's municipality's. What else of the child the write may change the child actor decides
    /// (<see cref="Child.WrittenBy"/>: the home municipality all of it, another municipality only its schools' enrolments).
    /// </summary>
    public async Task<bool> MayEnrolAtAsync(Caller caller, ImmutableArray<Enrolment> enrolments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var schools = enrolments.IsDefault ? [] : enrolments.Select(e => e.School.Value).Distinct(StringComparer.Ordinal).ToArray();
        if (schools.Length == 0)
        {
            return true;
        }

        await using var command = database.CreateCommand("select count(*) from coord_schools where school_id = any($1) and municipality = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = schools });
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Municipality.Value });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long count && count == schools.Length;
    }

    /// <summary>
    /// The first staff member that <paramref name="command"/> names (see <see cref="NamedStaff"/>) who is not in the roster or
    /// not of the caller's municipality or region, or null when every one is: the command is then refused as "no such staff".
    /// </summary>
    public async Task<StaffId?> StaffOutsideAsync(Caller caller, object command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var named = NamedStaff(command);
        if (named.IsEmpty)
        {
            return null;
        }

        var places = await PlacesAsync([.. named.Select(s => s.Value)], cancellationToken).ConfigureAwait(false);
        foreach (var one in named)
        {
            if (!places.TryGetValue(one.Value, out var where) || !InScope(caller, where))
            {
                return one;
            }
        }

        return null;
    }

    /// <summary>The staff members a command would give a role: they then see the case (and its child) and get its alerts.</summary>
    public static ImmutableArray<StaffId> NamedStaff(object command) => command switch
    {
        AssignCaseLead { To: { } to } => [to],
        HandOverCaseRoles handover => [handover.To],
        AddCasePlanAction { Action.Owner: { } owner } => [owner],
        RecordCaseMeetingHeld held => [.. held.Record.Attendees.Where(a => a.Staff is not null).Select(a => a.Staff!.Value),
            .. held.Record.OverallResponsible is { } responsible ? new[] { responsible } : []],
        StartSip sip => sip.Participants,
        _ => [],
    };

    /// <summary>
    /// Where each staff member in the roster belongs: (municipality, region) of their organisation's schools and teams and of
    /// the teams they are members of. A staff member not in the roster has no entry.
    /// </summary>
    private async Task<Dictionary<string, List<(string? Municipality, string? Region)>>> PlacesAsync(string[] staff, CancellationToken cancellationToken)
    {
        const string Sql = """
            select s.staff_id, sc.municipality, null from coord_staff s left join coord_schools sc on sc.organisation = s.organisation
             where s.staff_id = any ($1)
            union select s.staff_id, t.municipality, t.doc->>'regionCode' from coord_staff s
              join coord_teams t on t.organisation = s.organisation or s.staff_id = any (t.members)
             where s.staff_id = any ($1)
            """;
        await using var command = database.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = staff });
        var places = new Dictionary<string, List<(string?, string?)>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var list = places.TryGetValue(reader.GetString(0), out var found) ? found : places[reader.GetString(0)] = [];
            if (!reader.IsDBNull(1) || !reader.IsDBNull(2))
            {
                list.Add((reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        return places;
    }

    /// <summary>Belonging nowhere yet, or somewhere the caller covers.</summary>
    private static bool InScope(Caller caller, List<(string? Municipality, string? Region)> places) =>
        places.Count == 0 || places.Any(p => Covers(caller, p.Municipality, p.Region));

    /// <summary>A municipal entry by its municipality; a regional one (no municipality) by its region.</summary>
    private static bool Covers(Caller caller, string? municipality, string? region) =>
        municipality is not null
            ? municipality == caller.Municipality.Value
            : region is not null && string.Equals(region, caller.RegionCode, StringComparison.Ordinal);
}
