using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Reference;

/// <summary>
/// This node's copy of the slowly changing reference data the decisions need: schools (with their rule
/// overrides), municipalities (rules, calendar, coordinators) and teams. The actors that own the data project it
/// to read models and publish a <c>reference/…</c> signal after each change; this cache reloads the entry then,
/// loads on a miss, and reloads everything after the listener reconnects.
/// </summary>
/// <remarks>Handlers are synchronous, so a miss is loaded synchronously; misses are rare (once per entry and node).</remarks>
public sealed partial class ReferenceData : IDisposable
{
    private static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StaffTtl = TimeSpan.FromMinutes(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger<ReferenceData> _logger;
    private IDisposable? _subscription;
    private readonly ConcurrentDictionary<string, Entry<School>> _schools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<MunicipalityState>> _municipalities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<Team>> _teams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SchoolCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry<Staff>> _staff = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public ReferenceData(NpgsqlDataSource dataSource, TimeProvider time, ILogger<ReferenceData> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _json = CoordinationJson.Options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Follows the <c>reference/…</c> signals (the actors need this cache, and the signals come from their node: so it is attached after both exist).</summary>
    public void Listen(IActorSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        _subscription?.Dispose();
        _subscription = signals.Subscribe(CoordinationTopics.Reference, OnSignal);
        signals.Reconnected += Clear;
    }

    public School? School(SchoolId id) =>
        Get(_schools, id.Value, "select doc::text from coord_schools where school_id = $1", json => JsonSerializer.Deserialize<School>(json, _json));

    public MunicipalityState? Municipality(MunicipalityCode code) =>
        Get(_municipalities, code.Value, "select doc::text from coord_municipalities where code = $1", json => JsonSerializer.Deserialize<MunicipalityState>(json, _json));

    public Team? Team(TeamId id) =>
        Get(_teams, id.Value, "select doc::text from coord_teams where team_id = $1", json => JsonSerializer.Deserialize<Team>(json, _json));

    /// <summary>
    /// A staff member as the roster knows them (for escalation: their <see cref="Domain.Organisation.Staff.Manager"/>).
    /// Staff changes publish no signal, so an entry is kept for <see cref="StaffTtl"/> only.
    /// </summary>
    public Staff? Staff(StaffId id)
    {
        if (_staff.TryGetValue(id.Value, out var entry) && Environment.TickCount64 - entry.LoadedAt < StaffTtl.TotalMilliseconds)
        {
            return entry.Value;
        }

        _staff.TryRemove(id.Value, out _);
        return Get(_staff, id.Value, "select doc::text from coord_staff where staff_id = $1", json => JsonSerializer.Deserialize<Staff>(json, _json));
    }

    /// <summary>The school of a case (or, without one, where the child is enrolled now); not cached: rare uses only (escalation).</summary>
    public SchoolId? SchoolOf(string? caseId, string childKey)
    {
        using var command = _dataSource.CreateCommand(
            "select coalesce((select school_id from coord_cases where case_id = $1), (select school_id from coord_children where child_key = $2))");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)caseId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = childKey });
        return command.ExecuteScalar() is string school ? new SchoolId(school) : null;
    }

    /// <summary>The municipality's rule set, or the shipped defaults when it has none.</summary>
    public MunicipalityRuleSet Rules(MunicipalityCode code) =>
        Municipality(code)?.Rules ?? RuleSets.Defaults(code, DateTimeOffset.UnixEpoch);

    /// <summary>The municipality's compiled school calendar (its own definition, or the Swedish default around now).</summary>
    public SchoolCalendar Calendar(MunicipalityCode code)
    {
        return _calendars.GetOrAdd(code.Value, _ =>
        {
            var definition = Municipality(code)?.Calendar;
            if (definition is not null)
            {
                return SchoolCalendar.Create(definition);
            }

            var year = _time.GetUtcNow().Year;
            return SchoolCalendar.SwedishDefault(code, year - 3, year + 1);
        });
    }

    public void Dispose() => _subscription?.Dispose();

    private T? Get<T>(ConcurrentDictionary<string, Entry<T>> cache, string id, string sql, Func<string, T?> parse)
        where T : class
    {
        if (cache.TryGetValue(id, out var entry) && (entry.Value is not null || Environment.TickCount64 - entry.LoadedAt < NegativeTtl.TotalMilliseconds))
        {
            return entry.Value;
        }

        using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        var json = command.ExecuteScalar() as string;
        var value = json is null ? null : parse(json);
        cache[id] = new Entry<T>(value, Environment.TickCount64);
        return value;
    }

    private void OnSignal(ActorSignal signal)
    {
        // reference/{kind}/{id}: forget the entry; the next use loads it.
        var parts = signal.Topic.Split('/', 3);
        if (parts.Length < 3)
        {
            return;
        }

        switch (parts[1])
        {
            case "school":
                _schools.TryRemove(parts[2], out _);
                break;
            case "municipality":
                _municipalities.TryRemove(parts[2], out _);
                _calendars.TryRemove(parts[2], out _);
                break;
            case "team":
                _teams.TryRemove(parts[2], out _);
                break;
            default:
                return;
        }

        Log.Invalidated(_logger, parts[1]);
    }

    private void Clear()
    {
        _schools.Clear();
        _municipalities.Clear();
        _calendars.Clear();
        _teams.Clear();
        _staff.Clear();
    }

    private sealed record Entry<T>(T? Value, long LoadedAt);

    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Debug, "Reference data of kind {Kind} changed; reloading on next use")]
        public static partial void Invalidated(ILogger logger, string kind);
    }
}
