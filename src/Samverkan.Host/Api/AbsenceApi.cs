using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>One absence registration, shaped like SS 12000's Attendance (one pupil, one lesson or one day).</summary>
public sealed record AbsenceItem(
    string? Source,
    string? SourceId,
    ChildReference? Pupil,
    string? School,
    DateOnly? Date,
    string? CalendarEventId,
    int? OfferedMinutes,
    int? AttendanceMinutes,
    int? ValidAbsenceMinutes,
    int? InvalidAbsenceMinutes,
    int? OtherAttendanceMinutes,
    DateTimeOffset? ReportedTimestamp);

public sealed record AbsenceBatch(IReadOnlyList<AbsenceItem>? Items);

/// <summary>An item of a request, by its index and source id.</summary>
public sealed record ItemReference(int Index, string SourceId);

/// <summary>
/// What became of the items, each counted once: <see cref="Accepted"/> were durably stored (new registrations and
/// corrections); <see cref="Duplicates"/> were stored before or repeat an earlier item of the same request (a replay
/// changes nothing); <see cref="Stale"/> were not stored because the recorded version of the same source id is as new or
/// newer (a correction must have a later <c>reportedTimestamp</c>), named in <see cref="StaleItems"/>.
/// Accepted + duplicates + stale is the number of items.
/// </summary>
public sealed record IngestReceipt(int Accepted, int Duplicates, int Stale, IReadOnlyList<ItemReference> StaleItems);

/// <summary>
/// Absence ingest from school systems. Every item is validated at the edge (identity, minutes, dates, school, enrolment,
/// no two versions of one source id in a request); a batch is all or nothing: either every item is stored in one
/// transaction (202) or none is and each refused item is named (422). Idempotent: a replayed registration is a
/// duplicate; a correction (same source id, other figures, later reportedTimestamp) replaces the earlier one; one that
/// is not later is answered as stale and not stored.
/// </summary>
public static partial class AbsenceApi
{
    public const int MaxItemsPerBatch = 5000;

    /// <summary>
    /// The body budget of one batch item: a realistic item (GUID source ids, school id and calendar event id, a pupil
    /// reference, every minute field and a reported timestamp with offset) is about 450 bytes as compact JSON and about
    /// 650 indented; 800 leaves margin.
    /// </summary>
    public const int MaxBytesPerItem = 800;

    /// <summary>The batch endpoint's own body limit (4,000,000 bytes), in place of <c>Samverkan:Http:MaxRequestBodyBytes</c>: 5,000 items fit.</summary>
    public const long MaxBatchBodyBytes = (long)MaxItemsPerBatch * MaxBytesPerItem;

    private const string EnrolledSql = """
        select u.ord
          from unnest($1::text[], $2::text[], $3::date[]) with ordinality as u(child_key, school_id, on_date, ord)
         where exists (select 1 from coord_enrolments e
                        where e.child_key = u.child_key and e.school_id = u.school_id
                          and e.from_date <= u.on_date and (e.to_date is null or e.to_date >= u.on_date))
        """;

    /// <summary>
    /// The children's recorded absence, as their grains stored it (<c>actor_grain_state</c>, the grain storage's JSON,
    /// serialized as <see cref="CoordinationJson"/>): one read for a whole batch, where asking each child would be one call each.
    /// </summary>
    private const string RecordsSql = "select actor_key, state -> 'absence' from actor_grain_state where actor_type = $1 and actor_key = any($2)";

    public static RouteGroupBuilder MapAbsenceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/absences").WithTags("Absence").RequireAuthorization(SamverkanPolicies.Feed);
        group.MapPost("/", RegisterAsync).WithName("RegisterAbsence").WithSummary("Registers one absence (SS 12000 Attendance).");
        group.MapPost("/batch", RegisterBatchAsync).WithName("RegisterAbsenceBatch").WithSummary($"Registers up to {MaxItemsPerBatch} absences, all or nothing.")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBatchBodyBytes));
        return group;
    }

    private static Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> RegisterAsync(
        AbsenceItem item, HttpContext http, ChildIdentity identity, WriteScope scope, NpgsqlDataSource database, IActorClient actors, ServiceClock time,
        CancellationToken cancellationToken) =>
        StoreAsync([item], http.GetCaller(), identity, scope, database, actors, time, cancellationToken);

    private static Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> RegisterBatchAsync(
        AbsenceBatch batch, HttpContext http, ChildIdentity identity, WriteScope scope, NpgsqlDataSource database, IActorClient actors, ServiceClock time,
        CancellationToken cancellationToken)
    {
        if (batch.Items is null || batch.Items.Count == 0)
        {
            return Task.FromResult<Results<Accepted<IngestReceipt>, ProblemHttpResult>>(
                ApiProblems.Invalid([new FieldError("items", "Required", "items must hold at least one registration.")]));
        }

        return batch.Items.Count > MaxItemsPerBatch
            ? Task.FromResult<Results<Accepted<IngestReceipt>, ProblemHttpResult>>(ApiProblems.TooMany("items", "registrations", MaxItemsPerBatch))
            : StoreAsync(batch.Items, http.GetCaller(), identity, scope, database, actors, time, cancellationToken);
    }

    private static async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> StoreAsync(
        IReadOnlyList<AbsenceItem> items, Caller caller, ChildIdentity identity, WriteScope scope, NpgsqlDataSource database, IActorClient actors, ServiceClock time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new List<ItemError>();
        var registrations = new AbsenceRegistration?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add(new ItemError(i, null, "item", "Required", "The item is empty."));
                continue;
            }

            var (key, keyError) = identity.Resolve(item.Pupil, "pupil");
            if (keyError is not null)
            {
                errors.Add(new ItemError(i, item.SourceId, keyError.Field, keyError.Code, keyError.Message));
            }

            var validated = AbsenceValidation.Validate(ToInput(item, key), now);
            foreach (var error in validated.Errors.Where(e => keyError is null || !e.Field.StartsWith("pupil", StringComparison.Ordinal)))
            {
                errors.Add(new ItemError(i, item.SourceId, error.Field, error.Code, error.Message));
            }

            registrations[i] = keyError is null ? validated.Registration : null;
        }

        var repeats = RepeatsInBatch(registrations, errors);
        await CheckRosterAsync(registrations, items, errors, caller, scope, database, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ApiProblems.InvalidItems(errors);
        }

        // Each registration once, answered against the recorded versions: only what is new or a correction is sent.
        var unique = registrations.Select((r, i) => (Registration: r!, Index: i)).Where(x => !repeats.Contains(x.Index)).ToList();
        var kinds = await ClassifyAsync([.. unique.Select(u => u.Registration)], database, now, cancellationToken).ConfigureAwait(false);
        var stale = unique.Where((u, i) => kinds[i] == RegistrationOutcomeKind.Superseded).Select(u => new ItemReference(u.Index, u.Registration.SourceId)).ToList();
        var known = kinds.Count(k => k == RegistrationOutcomeKind.Unchanged);

        // One message per child, keyed by its registrations' content: a replayed batch is a duplicate; a correction is not.
        var messages = unique
            .Where((u, i) => kinds[i] is RegistrationOutcomeKind.Added or RegistrationOutcomeKind.Replaced)
            .Select(u => u.Registration)
            .GroupBy(r => r.Pupil)
            .Select(g => new ActorMessage(CoordinationActors.ChildOf(g.Key), new RegisterAbsences([.. g]), DeduplicationKey(g)))
            .ToList();
        var outcomes = messages.Count == 0 ? [] : await actors.SendBatchAsync(messages, cancellationToken).ConfigureAwait(false);
        var sent = messages.Sum(m => ((RegisterAbsences)m.Message).Registrations.Length);
        var replayed = messages.Where((m, i) => outcomes[i] == SendOutcome.Duplicate).Sum(m => ((RegisterAbsences)m.Message).Registrations.Length);
        return TypedResults.Accepted((string?)null, new IngestReceipt(sent - replayed, repeats.Count + known + replayed, stale.Count, stale));
    }

    private static AbsenceRegistrationInput ToInput(AbsenceItem item, PseudonymousKey? key) => new()
    {
        Source = item.Source,
        SourceId = item.SourceId,
        Pupil = key,
        School = item.School is { } school && StringIds.IsValid(school) ? new SchoolId(school) : null,
        Date = item.Date,
        CalendarEventId = item.CalendarEventId,
        OfferedMinutes = item.OfferedMinutes,
        AttendanceMinutes = item.AttendanceMinutes,
        ValidAbsenceMinutes = item.ValidAbsenceMinutes,
        InvalidAbsenceMinutes = item.InvalidAbsenceMinutes,
        OtherAttendanceMinutes = item.OtherAttendanceMinutes,
        ReportedTimestamp = item.ReportedTimestamp,
    };

    /// <summary>
    /// Items that repeat an earlier item of the request: an identical repeat is returned (counted once, as a duplicate);
    /// one with the same source and source id but other figures is refused, naming both indexes.
    /// </summary>
    private static HashSet<int> RepeatsInBatch(AbsenceRegistration?[] registrations, List<ItemError> errors)
    {
        var first = new Dictionary<(string Source, string SourceId), int>();
        var repeats = new HashSet<int>();
        var conflicting = new HashSet<int>();
        for (var i = 0; i < registrations.Length; i++)
        {
            if (registrations[i] is not { } registration || first.TryAdd((registration.Source, registration.SourceId), i))
            {
                continue;
            }

            var earlier = first[(registration.Source, registration.SourceId)];
            if (registrations[earlier] == registration)
            {
                repeats.Add(i);
                continue;
            }

            var message = $"Items {earlier} and {i} have the same source and sourceId but other figures; send one version of a registration per request.";
            if (conflicting.Add(earlier))
            {
                errors.Add(new ItemError(earlier, registration.SourceId, "sourceId", "ConflictingVersionsInRequest", message));
            }

            errors.Add(new ItemError(i, registration.SourceId, "sourceId", "ConflictingVersionsInRequest", message));
        }

        return repeats;
    }

    /// <summary>What the recorded versions make of each registration (<see cref="AbsenceRecord.Classify"/>); a child without a record adds them all.</summary>
    private static async Task<ImmutableArray<RegistrationOutcomeKind>> ClassifyAsync(
        IReadOnlyList<AbsenceRegistration> registrations, NpgsqlDataSource database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, AbsenceRecord>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand(RecordsSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = CoordinationActors.Child });
            command.Parameters.Add(new NpgsqlParameter { Value = registrations.Select(r => r.Pupil.Value).Distinct().ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.IsDBNullAsync(1, cancellationToken).ConfigureAwait(false))
                {
                    records[reader.GetString(0)] = JsonSerializer.Deserialize<AbsenceRecord>(reader.GetString(1), CoordinationJson.Options)!;
                }
            }
        }

        var kinds = new RegistrationOutcomeKind[registrations.Count];
        foreach (var child in registrations.Select((r, i) => (Registration: r, Index: i)).GroupBy(x => x.Registration.Pupil.Value))
        {
            var record = records.GetValueOrDefault(child.Key, AbsenceRecord.Empty);
            var classified = record.Classify([.. child.Select(x => x.Registration)], AbsenceRecordPolicy.Default, now);
            foreach (var (item, kind) in child.Zip(classified))
            {
                kinds[item.Index] = kind;
            }
        }

        return [.. kinds];
    }

    /// <summary>
    /// Schools the feed may not post for (unknown, or another organiser's: answered alike, before anything about the pupil
    /// or earlier registrations is looked at) and pupils not enrolled at the school on the day are refused per item.
    /// </summary>
    private static async Task CheckRosterAsync(
        AbsenceRegistration?[] registrations, IReadOnlyList<AbsenceItem> items, List<ItemError> errors, Caller caller, WriteScope scope,
        NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var valid = registrations.Select((r, i) => (Registration: r, Index: i)).Where(x => x.Registration is not null).ToList();
        if (valid.Count == 0)
        {
            return;
        }

        var known = await scope.IngestibleSchoolsAsync(caller, valid.Select(v => v.Registration!.School.Value), cancellationToken).ConfigureAwait(false);

        var candidates = new List<(AbsenceRegistration Registration, int Index)>();
        foreach (var (registration, index) in valid)
        {
            if (known.Contains(registration!.School.Value))
            {
                candidates.Add((registration, index));
            }
            else
            {
                errors.Add(new ItemError(index, items[index].SourceId, "school", "UnknownSchool", "No school unit with this id is registered for your organisation."));
                registrations[index] = null;
            }
        }

        if (candidates.Count == 0)
        {
            return;
        }

        var enrolled = new HashSet<long>();
        await using (var command = database.CreateCommand(EnrolledSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.Registration.Pupil.Value).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.Registration.School.Value).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.Registration.Date).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                enrolled.Add(reader.GetInt64(0));
            }
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (!enrolled.Contains(i + 1))
            {
                var index = candidates[i].Index;
                errors.Add(new ItemError(index, items[index].SourceId, "pupil", "NotEnrolled", "The pupil is not enrolled at this school on this date."));
                registrations[index] = null;
            }
        }
    }

    private static string DeduplicationKey(IEnumerable<AbsenceRegistration> registrations)
    {
        var text = new StringBuilder();
        foreach (var r in registrations.OrderBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.SourceId, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Source}|{r.SourceId}|{r.Pupil.Value}|{r.School.Value}|{r.Date:yyyy-MM-dd}|{r.CalendarEventId}|")
                .Append(CultureInfo.InvariantCulture, $"{r.OfferedMinutes}|{r.AttendedMinutes}|{r.ExcusedMinutes}|{r.UnexcusedMinutes}|{r.OtherMinutes}|{r.ReportedAt:O}\n");
        }

        return "absence:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
