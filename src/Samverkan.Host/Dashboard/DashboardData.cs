using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.AspNetCore.Components.Authorization;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Alerts;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// What the dashboard reads and does, for the person of one circuit, with the API's rules: the case list's need-to-know
/// query (<see cref="CaseApi.QueryAsync"/>), the alert store, <see cref="IChildAccess"/> for every case and child shown,
/// and an <see cref="IAuditLog"/> entry for every child whose data is shown (if the audit cannot be written, nothing is
/// shown). Scoped: one per circuit.
/// </summary>
public sealed class DashboardData(
    AuthenticationStateProvider authentication,
    NpgsqlDataSource database,
    IActorClient actors,
    IChildAccess access,
    WriteScope writeScope,
    IAuditLog audit,
    ServiceClock time)
{
    private const int ListSize = 200;
    private const string Resource = "dashboard";

    private DashboardUser? _user;
    private bool _expirySet;

    /// <summary>When the session cookie of the page load expires (null: unknown or never); from then on nothing is read or sent.</summary>
    public DateTimeOffset? SessionExpires { get; private set; }

    public bool SessionExpired => SessionExpires is { } expires && time.GetUtcNow() >= expires;

    /// <summary>Sets the session's expiry once per circuit (from the page load's authentication ticket).</summary>
    public void SetSessionExpiry(DateTimeOffset? expires)
    {
        if (!_expirySet)
        {
            _expirySet = true;
            SessionExpires = expires;
        }
    }

    /// <summary>The signed-in person, or null when the circuit has no valid session (or it is a feed's, or it expired).</summary>
    public async Task<DashboardUser?> UserAsync(CancellationToken cancellationToken)
    {
        if (SessionExpired)
        {
            return null;
        }

        if (_user is not null)
        {
            return _user;
        }

        var state = await authentication.GetAuthenticationStateAsync().ConfigureAwait(false);
        if (!CallerClaims.TryRead(state.User, out var caller) || caller.IsFeed)
        {
            return null;
        }

        var teams = await CaseApi.CallerTeamsAsync(database, caller.Staff, cancellationToken).ConfigureAwait(false);
        var name = state.User.FindFirst("name")?.Value ?? caller.Staff.Value;
        _user = new DashboardUser(caller, teams, name, Statistics.StatisticsScope.MaySee(state.User, caller), state.User.HasRole(SamverkanClaims.OperatorRole));
        return _user;
    }

    public async Task<SchoolTeamOverview> SchoolTeamAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);

        // "Our school": the schools whose student-health team the person belongs to; without one, every case they may see.
        var schools = await SchoolsAsync(
            "select school_id, name from coord_schools where municipality = $1 and doc ->> 'studentHealthTeam' = any ($2) order by name",
            [user.Caller.Municipality.Value, user.Teams.ToArray()], cancellationToken).ConfigureAwait(false);
        var visible = new List<DashboardCase>();
        var cases = await OpenCasesAsync(user, schools, cancellationToken, visible).ConfigureAwait(false);
        var (alerts, _) = await AlertStore.PageAsync(database, user.Caller.Staff, unacknowledgedOnly: false, 1, 50, cancellationToken).ConfigureAwait(false);
        await AuditListAsync(user, cases.Select(c => c.Summary.ChildKey).Concat(alerts.Select(a => a.ChildKey)), "dashboard: school team overview", cancellationToken)
            .ConfigureAwait(false);

        // Each alert's case as the case list shows it to this person (school hidden for a protected identity), also when
        // the case is closed or of another school: the card says which case, school and deadline it is about.
        var alertCases = visible.Where(c => alerts.Any(a => a.CaseId == c.Summary.CaseId))
            .ToDictionary(c => c.Summary.CaseId, StringComparer.Ordinal);
        return new SchoolTeamOverview(cases, alerts, [.. schools.Values], [.. schools.Keys]) { AlertCases = alertCases };
    }

    public async Task<SocialServicesOverview> SocialServicesAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);

        // "My schools": where the person is a social-services contact person, or their unit is the school's.
        var schools = await SchoolsAsync(
            """
            select school_id, name from coord_schools
             where municipality = $1
               and (doc -> 'socialServices' -> 'contactPersons' ? $2 or doc -> 'socialServices' ->> 'team' = any ($3))
             order by name
            """,
            [user.Caller.Municipality.Value, user.Caller.Staff.Value, user.Teams.ToArray()], cancellationToken).ConfigureAwait(false);
        var cases = await OpenCasesAsync(user, schools, cancellationToken).ConfigureAwait(false);

        var concerns = new List<PendingConcern>();
        await using (var command = database.CreateCommand(
            """
            select concern_id, child_key, school_id, category, reported_on from coord_concerns
             where municipality = $1 and outcome is null and school_id = any ($2)
             order by reported_on, concern_id limit $3
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = user.Caller.Municipality.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = schools.Keys.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = ListSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var school = reader.IsDBNull(2) ? null : reader.GetString(2);
                concerns.Add(new PendingConcern(
                    reader.GetString(0), reader.GetString(1), school is null ? null : schools.GetValueOrDefault(school), reader.GetString(3),
                    reader.GetFieldValue<DateOnly>(4)));
            }
        }

        var watches = new List<WatchedChild>();
        await using (var command = database.CreateCommand(
            """
            select child_key, school_id, watch_until, watch_owner = $2 from coord_children
             where municipality = $1 and watch_until > $4 and (watch_owner = $2 or school_id = any ($3))
             order by watch_until, child_key limit $5
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = user.Caller.Municipality.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = user.Caller.Staff.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = schools.Keys.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
            command.Parameters.Add(new NpgsqlParameter { Value = ListSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var school = reader.IsDBNull(1) ? null : reader.GetString(1);
                watches.Add(new WatchedChild(
                    reader.GetString(0), school is null ? null : schools.GetValueOrDefault(school), reader.GetFieldValue<DateTimeOffset>(2),
                    !reader.IsDBNull(3) && reader.GetBoolean(3)));
            }
        }

        // Concerns and watches name children: each only when the access rules let this person see the child.
        var allowed = await AllowedChildrenAsync(user, concerns.Select(c => c.ChildKey).Concat(watches.Select(w => w.ChildKey)), cancellationToken)
            .ConfigureAwait(false);
        concerns.RemoveAll(c => !allowed.Contains(c.ChildKey));
        watches.RemoveAll(w => !allowed.Contains(w.ChildKey));
        await AuditListAsync(
            user, cases.Select(c => c.Summary.ChildKey).Concat(concerns.Select(c => c.ChildKey)).Concat(watches.Select(w => w.ChildKey)),
            "dashboard: social services overview", cancellationToken).ConfigureAwait(false);
        return new SocialServicesOverview(cases, concerns, watches, [.. schools.Values]);
    }

    /// <summary>Aggregates of the person's municipality: counts only; a case is named only where the coordinator takes part.</summary>
    public async Task<CoordinatorOverview> CoordinatorAsync(DashboardUser user, DashboardText text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(text);
        var municipality = user.Caller.Municipality.Value;
        var now = time.GetUtcNow();
        var schools = await SchoolsAsync("select school_id, name from coord_schools where municipality = $1", [municipality], cancellationToken)
            .ConfigureAwait(false);

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        AddCommand(batch, "select status, count(*) from coord_cases where municipality = $1 and status <> 'Closed' group by status", municipality);
        AddCommand(batch, "select coalesce(school_id, ''), count(*) from coord_cases where municipality = $1 and status <> 'Closed' group by 1", municipality);
        AddCommand(batch, "select kind, count(*) from coord_cases where municipality = $1 and status <> 'Closed' group by kind", municipality);
        AddCommand(batch,
            """
            select count(*) from coord_alerts a join coord_cases c on c.case_id = a.case_id
             where c.municipality = $1 and a.acknowledged_at is null
            """, municipality);
        AddCommand(batch,
            "select count(*) from coord_cases where municipality = $1 and status = 'Open' and acknowledged_at is null and ack_due_at < $2",
            municipality, now);
        AddCommand(batch,
            """
            select case when staff @> array[$2] or teams && $3 then case_id end, school_id, kind, status, opened_at
              from coord_cases where municipality = $1 and status <> 'Closed'
             order by opened_at, case_id limit 10
            """, municipality, user.Caller.Staff.Value, user.Teams.ToArray());

        // What the case-work read model marks overdue (open cases only): counts, never which case or child.
        AddCommand(batch,
            """
            select count(*) filter (where overdue_actions > 0 or vacancies > 0 or sip_overdue or placement_overdue > 0),
                   coalesce(sum(overdue_actions), 0)::bigint, coalesce(sum(vacancies), 0)::bigint,
                   count(*) filter (where sip_overdue), coalesce(sum(placement_overdue), 0)::bigint
              from coord_case_work where municipality = $1 and status <> 'Closed'
            """, municipality);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        var byStatus = new List<Count>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            byStatus.Add(new Count(reader.GetString(0), text.Status(reader.GetString(0)), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var bySchool = new List<Count>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var school = reader.GetString(0);
            bySchool.Add(new Count(school, schools.GetValueOrDefault(school) ?? (school.Length == 0 ? "–" : school), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var byKind = new List<Count>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            byKind.Add(new Count(reader.GetString(0), text.Kind(reader.GetString(0)), reader.GetInt64(1)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var unacknowledged = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var overdue = reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var waiting = new List<WaitingCase>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var school = reader.IsDBNull(1) ? null : reader.GetString(1);
            waiting.Add(new WaitingCase(
                reader.IsDBNull(0) ? null : reader.GetString(0), school is null ? null : schools.GetValueOrDefault(school),
                reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var overdueWork = new OverdueWork(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));

        var order = Enum.GetNames<CaseStatus>();
        byStatus.Sort((a, b) => Array.IndexOf(order, a.Key).CompareTo(Array.IndexOf(order, b.Key)));
        bySchool.Sort((a, b) => string.Compare(a.Label, b.Label, text.Culture, System.Globalization.CompareOptions.None));
        byKind.Sort((a, b) => b.Value.CompareTo(a.Value));
        return new CoordinatorOverview(
            byStatus.Sum(c => c.Value), unacknowledged, overdue, byStatus.Where(c => c.Key == nameof(CaseStatus.FollowUp)).Sum(c => c.Value),
            byStatus, bySchool, byKind, waiting)
        {
            OverdueWork = overdueWork,
        };
    }

    /// <summary>The case, when the person may see it (audited under its child), else null: missing and not allowed look the same.</summary>
    public async Task<CaseView?> CaseAsync(DashboardUser user, string caseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var decision = await DecideCaseAsync(user, caseId, AuditAction.Read, "dashboard: case page", cancellationToken).ConfigureAwait(false);
        if (decision is null)
        {
            return null;
        }

        var state = await actors.AskAsync<CaseState>(CoordinationActors.CaseOf(new CaseId(caseId)), new GetCase(), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (state is null || state.Municipality?.Value != user.Caller.Municipality.Value)
        {
            return null;
        }

        state = state with { Timeline = [.. state.Timeline.Where(t => t.RestrictedTo is null || t.RestrictedTo == user.Caller.Agency)] };
        ImmutableArray<WeeklyAbsence>? weeks = null;
        if (decision.MaySee(InformationCategory.Attendance))
        {
            var overview = await actors.AskAsync<ChildOverview>(
                CoordinationActors.ChildOf(state.Child), new GetChildOverview(OverviewOptions.Default), cancellationToken: cancellationToken).ConfigureAwait(false);
            weeks = overview?.Weeks ?? [];
        }

        var acting = Acting(user);
        var staffIds = state.Participants.Select(p => p.Who.Staff?.Value)
            .Append(state.Acknowledgement?.By.Value).Append(state.Closure?.By.Value).Append(state.ProposedLead?.Staff?.Value)
            .Append(state.Lead?.Staff.Value).Concat(state.Plan.Actions.Select(a => a.Owner?.Value))
            .Concat(state.Meetings.SelectMany(m => m.Attendees).Select(a => a.Staff?.Value))
            .Concat(state.Timeline.Select(t => t.By?.Value))
            .Concat(state.Timeline.SelectMany(StaffInFacts))
            .OfType<string>().Distinct().ToArray();
        var teamIds = state.Participants.Select(p => p.Who.Team?.Value).Append(state.ProposedLead?.Team?.Value).OfType<string>().Distinct().ToArray();
        var staffNames = await NamesAsync("select staff_id, coalesce(doc ->> 'displayName', staff_id) from coord_staff where staff_id = any ($1)", staffIds, cancellationToken)
            .ConfigureAwait(false);
        var teamNames = await NamesAsync("select team_id, coalesce(doc ->> 'name', team_id) from coord_teams where team_id = any ($1)", teamIds, cancellationToken)
            .ConfigureAwait(false);
        string? schoolName = null;
        var schoolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!(state.ProtectedIdentity && !decision.MayShowLocation))
        {
            // The case's school, and the schools a change of school in the timeline names (only when the location may be shown).
            var schoolIds = state.Timeline.Where(t => t.Kind == TimelineEntryKind.SchoolChanged)
                .SelectMany(t => new[] { t.Fact(TimelineFacts.From), t.Fact(TimelineFacts.To) })
                .Append(state.School?.Value).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            schoolNames = await NamesAsync("select school_id, name from coord_schools where school_id = any ($1)", schoolIds, cancellationToken).ConfigureAwait(false);
            if (state.School is { } school)
            {
                schoolName = schoolNames.GetValueOrDefault(school.Value) ?? school.Value;
            }
        }

        return new CaseView(state, weeks, state.IsParticipant(acting), staffNames, teamNames, schoolName) { SchoolNames = schoolNames };
    }

    /// <summary>The staff ids a timeline entry's facts name (people, never the child).</summary>
    private static IEnumerable<string?> StaffInFacts(TimelineEntry entry)
    {
        var keys = entry.Kind is TimelineEntryKind.LeadAssigned or TimelineEntryKind.HandedOver or TimelineEntryKind.AcknowledgementOverdue
            ? new[] { TimelineFacts.Staff, TimelineFacts.From, TimelineFacts.To, TimelineFacts.Responsible, TimelineFacts.Attendees }
            : [TimelineFacts.Staff, TimelineFacts.Responsible, TimelineFacts.Attendees];
        return keys.Select(entry.Fact).OfType<string>().SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Acknowledges the case, and the person's own alerts about it (they have now seen it).</summary>
    public async Task<ActionOutcome> AcknowledgeAsync(DashboardUser user, string caseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var outcome = await CommandAsync(user, caseId, by => new AcknowledgeCase(by), "ack", cancellationToken).ConfigureAwait(false);
        if (outcome.Ok)
        {
            await AcknowledgeAlertsOfCaseAsync(user, caseId, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Acknowledges one of the person's alerts (by its stream id), and its case when that still waits for acknowledgement
    /// (then with the case's access check and audit). Someone else's alert is "not found", as in the API.
    /// </summary>
    public async Task<ActionOutcome> AcknowledgeAlertAsync(DashboardUser user, long alertId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (SessionExpired)
        {
            return new ActionOutcome(false, null);
        }

        var alert = await AlertStore.FindAsync(database, user.Caller.Staff, alertId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken)
            .ConfigureAwait(false);
        if (alert is null)
        {
            return new ActionOutcome(false, null);
        }

        if (alert.CaseId is { } caseId && await CaseAwaitsAcknowledgementAsync(caseId, cancellationToken).ConfigureAwait(false))
        {
            var outcome = await CommandAsync(user, caseId, by => new AcknowledgeCase(by), "ack", cancellationToken).ConfigureAwait(false);
            if (!outcome.Ok)
            {
                return outcome;
            }
        }

        return await AcknowledgeAlertKeyAsync(user, alert.AlertKey, cancellationToken).ConfigureAwait(false);
    }

    public Task<ActionOutcome> CloseAsync(DashboardUser user, string caseId, CloseReason reason, string? note, CancellationToken cancellationToken) =>
        CommandAsync(user, caseId, by => new TransitionCase(CaseStatus.Closed, by, reason, string.IsNullOrWhiteSpace(note) ? null : note.Trim()), "close", cancellationToken);

    /// <summary>Sends a case command as the person, after the same access check and audit as the API's case commands.</summary>
    public async Task<ActionOutcome> CommandAsync(
        DashboardUser user, string caseId, Func<ActingStaff, object> command, string scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(command);
        if (await DecideCaseAsync(user, caseId, AuditAction.Write, "dashboard: case work", cancellationToken).ConfigureAwait(false) is null)
        {
            return new ActionOutcome(false, null);
        }

        var message = command(Acting(user));
        if (await writeScope.StaffOutsideAsync(user.Caller, message, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new ActionOutcome(false, RefusalOf(WriteScope.NoSuchStaff));
        }

        try
        {
            var result = await actors.AskAsync<CommandResult>(
                CoordinationActors.CaseOf(new CaseId(caseId)), message,
                $"dashboard-{scope}:{caseId}:{user.Caller.Staff.Value}:{Guid.NewGuid():N}", cancellationToken: cancellationToken).ConfigureAwait(false);
            return result is { Ok: true } ? ActionOutcome.Done : new ActionOutcome(false, RefusalOf(result));
        }
        catch (ActorTimeoutException)
        {
            return new ActionOutcome(false, null);
        }
    }

    /// <summary>The domain's reason for a refusal, with its field errors (the domain's words, not personal data).</summary>
    private static string? RefusalOf(CommandResult? result) =>
        result is null ? null
        : result.Errors.IsDefaultOrEmpty ? result.Message ?? result.Code
        : $"{result.Message} {string.Join(" ", result.Errors.Select(e => e.Message))}".Trim();

    private async Task AcknowledgeAlertsOfCaseAsync(DashboardUser user, string caseId, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using (var command = database.CreateCommand(
            "select alert_key from coord_alerts where staff_id = $1 and case_id = $2 and acknowledged_at is null order by id"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = user.Caller.Staff.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = caseId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(reader.GetString(0));
            }
        }

        foreach (var key in keys)
        {
            await AcknowledgeAlertKeyAsync(user, key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ActionOutcome> AcknowledgeAlertKeyAsync(DashboardUser user, string alertKey, CancellationToken cancellationToken)
    {
        try
        {
            var result = await actors.AskAsync<CommandResult>(
                CoordinationActors.InboxOf(user.Caller.Staff), new AcknowledgeAlert(alertKey), $"dashboard-alert-ack:{user.Caller.Staff.Value}:{alertKey}",
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return result is { Ok: true } ? ActionOutcome.Done : new ActionOutcome(false, result?.Message ?? result?.Code);
        }
        catch (ActorTimeoutException)
        {
            return new ActionOutcome(false, null);
        }
    }

    private async Task<bool> CaseAwaitsAcknowledgementAsync(string caseId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select count(*) from coord_cases where case_id = $1 and status = 'Open' and acknowledged_at is null");
        command.Parameters.Add(new NpgsqlParameter { Value = caseId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    private static ActingStaff Acting(DashboardUser user) =>
        new(user.Caller.Staff, user.Caller.Agency) { Teams = [.. user.Teams.Select(t => new TeamId(t))], Organisation = user.Caller.Organisation };

    private async Task<List<DashboardCase>> OpenCasesAsync(
        DashboardUser user, Dictionary<string, string> schools, CancellationToken cancellationToken, List<DashboardCase>? visible = null)
    {
        var (items, _) = await CaseApi.QueryAsync(
            database, user.Caller, user.Teams, new CaseFilter(), time.GetUtcNow(), 1, ListSize, cancellationToken).ConfigureAwait(false);
        var participating = await ParticipatingAsync(user, items.Select(i => i.CaseId), cancellationToken).ConfigureAwait(false);
        var allSchools = await SchoolsAsync("select school_id, name from coord_schools where municipality = $1", [user.Caller.Municipality.Value], cancellationToken)
            .ConfigureAwait(false);
        var all = items.Select(i => new DashboardCase(i, i.School is { } s ? allSchools.GetValueOrDefault(s) : null, participating.Contains(i.CaseId))).ToList();
        visible?.AddRange(all);
        return [.. all
            .Where(c => c.Summary.Status != nameof(CaseStatus.Closed))
            .Where(c => schools.Count == 0 || (c.Summary.School is { } s && schools.ContainsKey(s)) || c.Participating)];
    }

    private async Task<HashSet<string>> ParticipatingAsync(DashboardUser user, IEnumerable<string> caseIds, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("select case_id from coord_cases where case_id = any ($1) and (staff @> array[$2] or teams && $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = caseIds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = user.Caller.Staff.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = user.Teams.ToArray() });
        var result = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    private async Task<HashSet<string>> AllowedChildrenAsync(DashboardUser user, IEnumerable<string> children, CancellationToken cancellationToken)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in children.Distinct(StringComparer.Ordinal))
        {
            if (PseudonymousKey.IsWellFormed(child)
                && (await access.DecideAsync(user.Caller, new PseudonymousKey(child), cancellationToken).ConfigureAwait(false)).Allowed)
            {
                allowed.Add(child);
            }
        }

        return allowed;
    }

    private async Task<ChildAccessDecision?> DecideCaseAsync(
        DashboardUser user, string caseId, AuditAction action, string purpose, CancellationToken cancellationToken)
    {
        if (SessionExpired || !Domain.Common.StringIds.IsValid(caseId))
        {
            return null;
        }

        var decision = await access.DecideCaseAsync(user.Caller, new CaseId(caseId), cancellationToken).ConfigureAwait(false);
        if (!decision.Allowed)
        {
            return null;
        }

        await audit.RecordAsync(Entry(user, decision.Child, action, purpose, $"case/{caseId}"), cancellationToken).ConfigureAwait(false);
        return decision;
    }

    private Task AuditListAsync(DashboardUser user, IEnumerable<string?> children, string purpose, CancellationToken cancellationToken)
    {
        var entries = children.OfType<string>().Distinct(StringComparer.Ordinal).Where(PseudonymousKey.IsWellFormed)
            .Select(child => Entry(user, new PseudonymousKey(child), AuditAction.List, purpose, "overview"))
            .ToArray();
        return entries.Length == 0 ? Task.CompletedTask : audit.RecordAsync(entries, cancellationToken);
    }

    private AuditEntry Entry(DashboardUser user, PseudonymousKey? child, AuditAction action, string purpose, string resource) =>
        new(user.Caller.Staff, user.Caller.Organisation, user.Caller.Municipality, child, action, purpose, $"{Resource} {resource}",
            time.GetUtcNow(), RequestId: null, Activity.Current?.TraceId.ToHexString());

    private async Task<Dictionary<string, string>> SchoolsAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var schools = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            schools[reader.GetString(0)] = reader.GetString(1);
        }

        return schools;
    }

    private Task<Dictionary<string, string>> NamesAsync(string sql, string[] ids, CancellationToken cancellationToken) =>
        ids.Length == 0 ? Task.FromResult(new Dictionary<string, string>(StringComparer.Ordinal)) : SchoolsAsync(sql, [ids], cancellationToken);

    private static void AddCommand(NpgsqlBatch batch, string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
    }
}
