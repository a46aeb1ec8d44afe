using Samverkan.Domain.Common;
using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;

namespace Samverkan.Host.Security;

/// <summary>
/// <see cref="IChildAccess"/> on the coordination read models: one round trip reads the child, its current
/// enrolments and their schools, its cases and concerns, and the caller's teams and roster status; then
/// <see cref="ChildAccessRules"/> decides. Nothing is cached: every request sees the relations as they are.
/// </summary>
internal sealed class ChildAccessService(NpgsqlDataSource dataSource, IChildConsents consents, ServiceClock time) : IChildAccess
{
    public Task<ChildAccessDecision> DecideAsync(Caller caller, PseudonymousKey child, CancellationToken cancellationToken) =>
        DecideAsync(caller, child, reporting: false, cancellationToken);

    public Task<ChildAccessDecision> DecideReportAsync(Caller caller, PseudonymousKey child, CancellationToken cancellationToken) =>
        DecideAsync(caller, child, reporting: true, cancellationToken);

    private async Task<ChildAccessDecision> DecideAsync(Caller caller, PseudonymousKey child, bool reporting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsFeed)
        {
            return ChildAccessDecision.Denied("feeds do not read children", child);
        }

        var now = time.GetUtcNow();
        var facts = await ReadAsync(caller, child, now, cancellationToken).ConfigureAwait(false);
        var decision = ChildAccessRules.Decide(caller, facts, [], now, reporting: reporting);
        return decision.Allowed && !reporting ? await WithConsentsAsync(caller, facts!, now, null, cancellationToken).ConfigureAwait(false) : decision;
    }

    public async Task<ChildAccessDecision> DecideCaseAsync(Caller caller, CaseId caseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsFeed)
        {
            return ChildAccessDecision.Denied("feeds do not read children", caseId: caseId);
        }

        await using var command = dataSource.CreateCommand("select child_key from coord_cases where case_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId.Value });
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string key || !PseudonymousKey.IsWellFormed(key))
        {
            return ChildAccessDecision.Denied("unknown case", caseId: caseId);
        }

        var child = new PseudonymousKey(key);
        var now = time.GetUtcNow();
        var facts = await ReadAsync(caller, child, now, cancellationToken).ConfigureAwait(false);
        var decision = ChildAccessRules.Decide(caller, facts, [], now, caseId);
        return decision.Allowed ? await WithConsentsAsync(caller, facts!, now, caseId, cancellationToken).ConfigureAwait(false) : decision;
    }

    /// <summary>Consents are read only once a relation allows the child at all, then the rules decide the categories with them.</summary>
    private async Task<ChildAccessDecision> WithConsentsAsync(
        Caller caller, ChildFacts facts, DateTimeOffset now, CaseId? caseId, CancellationToken cancellationToken)
    {
        var recorded = await consents.GetAsync(facts.Child, cancellationToken).ConfigureAwait(false);
        return ChildAccessRules.Decide(caller, facts, recorded, now, caseId);
    }

    private async Task<ChildFacts?> ReadAsync(Caller caller, PseudonymousKey child, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        Add(batch,
            """
            select c.municipality, m.region_code, c.named_person, c.protected_identity, c.watch_until, c.watch_owner
              from coord_children c left join coord_municipalities m on m.code = c.municipality
             where c.child_key = $1
            """, child.Value);
        Add(batch,
            """
            select s.school_id, s.municipality, s.organisation, s.doc
              from coord_enrolments e join coord_schools s on s.school_id = e.school_id
             where e.child_key = $1 and e.from_date <= $2 and (e.to_date is null or e.to_date >= $2)
            """, child.Value, SwedishTime.DateOf(now));
        Add(batch, "select case_id, status, municipality, teams, staff from coord_cases where child_key = $1", child.Value);
        Add(batch, "select concern_id, reporting_org from coord_concerns where child_key = $1", child.Value);
        Add(batch, "select team_id from coord_teams where $1 = any (members)", caller.Staff.Value);
        Add(batch, "select active from coord_staff where staff_id = $1", caller.Staff.Value);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var municipality = reader.IsDBNull(0) ? null : reader.GetString(0);
        var region = reader.IsDBNull(1) ? null : reader.GetString(1);
        var namedPerson = reader.IsDBNull(2) ? null : reader.GetString(2);
        var protectedIdentity = reader.GetBoolean(3);
        DateTimeOffset? watchUntil = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
        var watchOwner = reader.IsDBNull(5) ? null : reader.GetString(5);

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var schools = ImmutableArray.CreateBuilder<SchoolFacts>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var doc = JsonDocument.Parse(reader.GetString(3));
            var socialServices = Json.Property(doc.RootElement, "socialServices");
            schools.Add(new SchoolFacts(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                Json.String(doc.RootElement, "studentHealthTeam"),
                socialServices is { } link ? [.. Json.Strings(link, "contactPersons")] : []));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var cases = ImmutableArray.CreateBuilder<CaseFacts>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cases.Add(new CaseFacts(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                [.. reader.GetFieldValue<string[]>(3)],
                [.. reader.GetFieldValue<string[]>(4)]));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var concerns = ImmutableArray.CreateBuilder<ConcernFacts>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            concerns.Add(new ConcernFacts(reader.GetString(0), reader.GetString(1)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var teams = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            teams.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        bool? active = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetBoolean(0) : null;

        return new ChildFacts(
            child, municipality, region, namedPerson, protectedIdentity, watchUntil, watchOwner,
            schools.ToImmutable(), cases.ToImmutable(), concerns.ToImmutable(), teams.ToImmutable(), active);
    }

    private static void Add(NpgsqlBatch batch, string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
    }
}

/// <summary>The consents the child's grain holds: the committed truth, as current as every read model.</summary>
internal sealed class GrainChildConsents(IActorClient actors) : IChildConsents
{
    public async Task<ImmutableArray<Consent>> GetAsync(PseudonymousKey child, CancellationToken cancellationToken) =>
        (await actors.AskAsync<ChildSharing>(CoordinationActors.ChildOf(child), new GetChildSharing(), cancellationToken: cancellationToken).ConfigureAwait(false))?.Consents
        ?? [];
}
