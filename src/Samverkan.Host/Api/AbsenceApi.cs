using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
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

/// <summary>What was durably stored: new registrations, and those seen before (a replay changes nothing).</summary>
public sealed record IngestReceipt(int Accepted, int Duplicates);

/// <summary>
/// Absence ingest from school systems. Every item is validated at the edge (identity, minutes, dates, school, enrolment);
/// a batch is all or nothing: either every item is stored in one transaction (202) or none is and each refused item is
/// named (422). Idempotent: a replayed registration is a duplicate; a correction (same source id, other figures)
/// replaces the earlier one.
/// </summary>
public static class AbsenceApi
{
    public const int MaxItemsPerBatch = 5000;

    private const string KnownSchoolsSql = "select school_id from coord_schools where school_id = any($1)";

    private const string EnrolledSql = """
        select u.ord
          from unnest($1::text[], $2::text[], $3::date[]) with ordinality as u(child_key, school_id, on_date, ord)
         where exists (select 1 from coord_enrolments e
                        where e.child_key = u.child_key and e.school_id = u.school_id
                          and e.from_date <= u.on_date and (e.to_date is null or e.to_date >= u.on_date))
        """;

    public static RouteGroupBuilder MapAbsenceApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/absences").WithTags("Absence").RequireAuthorization(SamverkanPolicies.Feed);
        group.MapPost("/", RegisterAsync).WithName("RegisterAbsence").WithSummary("Registers one absence (SS 12000 Attendance).");
        group.MapPost("/batch", RegisterBatchAsync).WithName("RegisterAbsenceBatch").WithSummary($"Registers up to {MaxItemsPerBatch} absences, all or nothing.");
        return group;
    }

    private static Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> RegisterAsync(
        AbsenceItem item, ChildIdentity identity, NpgsqlDataSource database, IActorClient actors, TimeProvider time, CancellationToken cancellationToken) =>
        StoreAsync([item], identity, database, actors, time, cancellationToken);

    private static Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> RegisterBatchAsync(
        AbsenceBatch batch, ChildIdentity identity, NpgsqlDataSource database, IActorClient actors, TimeProvider time, CancellationToken cancellationToken)
    {
        if (batch.Items is null || batch.Items.Count == 0)
        {
            return Task.FromResult<Results<Accepted<IngestReceipt>, ProblemHttpResult>>(
                ApiProblems.Invalid([new FieldError("items", "Required", "items must hold at least one registration.")]));
        }

        return batch.Items.Count > MaxItemsPerBatch
            ? Task.FromResult<Results<Accepted<IngestReceipt>, ProblemHttpResult>>(ApiProblems.TooMany("registrations", MaxItemsPerBatch))
            : StoreAsync(batch.Items, identity, database, actors, time, cancellationToken);
    }

    private static async Task<Results<Accepted<IngestReceipt>, ProblemHttpResult>> StoreAsync(
        IReadOnlyList<AbsenceItem> items, ChildIdentity identity, NpgsqlDataSource database, IActorClient actors, TimeProvider time, CancellationToken cancellationToken)
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

        await CheckRosterAsync(registrations, items, errors, database, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ApiProblems.InvalidItems(errors);
        }

        // One message per child, keyed by its registrations' content: a replayed batch is a duplicate; a correction is not.
        var messages = registrations
            .Select(r => r!)
            .GroupBy(r => r.Pupil)
            .Select(g => new ActorMessage(CoordinationActors.ChildOf(g.Key), new RegisterAbsences([.. g]), DeduplicationKey(g)))
            .ToList();
        var outcomes = await actors.SendBatchAsync(messages, cancellationToken).ConfigureAwait(false);
        var duplicates = messages.Where((m, i) => outcomes[i] == SendOutcome.Duplicate).Sum(m => ((RegisterAbsences)m.Message).Registrations.Length);
        return TypedResults.Accepted((string?)null, new IngestReceipt(items.Count - duplicates, duplicates));
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

    /// <summary>Unknown schools and pupils not enrolled at the school on the day are refused per item.</summary>
    private static async Task CheckRosterAsync(
        AbsenceRegistration?[] registrations, IReadOnlyList<AbsenceItem> items, List<ItemError> errors, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var valid = registrations.Select((r, i) => (Registration: r, Index: i)).Where(x => x.Registration is not null).ToList();
        if (valid.Count == 0)
        {
            return;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand(KnownSchoolsSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = valid.Select(v => v.Registration!.School.Value).Distinct().ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                known.Add(reader.GetString(0));
            }
        }

        var candidates = new List<(AbsenceRegistration Registration, int Index)>();
        foreach (var (registration, index) in valid)
        {
            if (known.Contains(registration!.School.Value))
            {
                candidates.Add((registration, index));
            }
            else
            {
                errors.Add(new ItemError(index, items[index].SourceId, "school", "UnknownSchool", "No school with this id is registered."));
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
