using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Children;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>Feedback given to the reporting organisation of a concern (what was told stays in social services' own records).</summary>
public sealed record ReporterFeedbackRequest(DateTimeOffset? GivenAt);

/// <summary>Feedback owed to a reporter: due, reminded, overdue, given.</summary>
public sealed record ReporterFeedbackItem(
    string ConcernId, string ChildKey, string ReportingOrganisation, DateTimeOffset DueAt, DateTimeOffset? RemindedAt, bool Overdue, DateTimeOffset? GivenAt);

public sealed record ReporterFeedbackPage(IReadOnlyList<ReporterFeedbackItem> Items);

/// <summary>
/// One line of a child's chronology. <c>Source</c> is <c>case</c> (with the case's id and kind) or <c>concern</c>; a
/// viewer sees only the entries their access allows (the cases they may see, entries restricted to their agency,
/// concerns only with the right to see them).
/// </summary>
public sealed record ChronologyEntry(DateTimeOffset At, string Source, string Kind, string Text, string? CaseId, string? CaseKind, string? By);

public sealed record Chronology(string ChildKey, IReadOnlyList<ChronologyEntry> Entries);

/// <summary>
/// The consent a SIP rests on (the guardians', or the child's own): who gave it, which organisations may share which
/// categories, for what, from when to when.
/// </summary>
public sealed record SipConsentRequest(
    string? Id,
    IReadOnlyList<ConsentGiver>? GivenBy,
    IReadOnlyList<string>? Recipients,
    IReadOnlyList<InformationCategory>? Categories,
    string? Purpose,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo);

/// <summary>Starts a SIP: its consent and its participants (staff ids), from both the municipality and the region.</summary>
public sealed record SipRequest(SipConsentRequest? Consent, IReadOnlyList<string>? Participants);

public sealed record SipReceipt(string CaseId);

/// <summary>
/// The child's side of case work (issue 8): feedback to the reporters of concerns (owed by social services within
/// <c>Samverkan:CaseWork:ReporterFeedbackWorkingDays</c>), and one chronology per child across agencies.
/// </summary>
public static class ChildCaseWorkApi
{
    public const int MaxFeedbackItems = 500;

    private const string FeedbackSql = """
        select f.concern_id, f.child_key, f.reporting_org, f.due_at, f.reminded_at, f.overdue_at is not null or (f.given_at is null and f.due_at < $3),
               f.given_at
          from coord_concern_feedback f
          join coord_children c on c.child_key = f.child_key
          left join coord_schools s on s.school_id = c.school_id
         where f.municipality = $1
           and s.doc -> 'socialServices' ->> 'organisation' = $2
           and exists (select 1 from jsonb_array_elements_text(coalesce(s.doc -> 'socialServices' -> 'contactPersons', '[]'::jsonb)) p where p = $7)
           and ($4 or f.given_at is null)
           and (not $5 or f.overdue_at is not null or (f.given_at is null and f.due_at < $3))
         order by f.due_at
         limit $6
        """;

    public static IEndpointRouteBuilder MapChildCaseWorkApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1").WithTags("Case work").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapPost("/children/{childKey}/concerns/{concernId}/feedback", RecordFeedbackAsync).WithName("RecordReporterFeedback")
            .WithSummary("Social services record that the reporting organisation got feedback on its concern.");
        group.MapGet("/concerns/feedback", ListFeedbackAsync).WithName("ListReporterFeedback")
            .WithSummary("Feedback social services owe reporters (open, or overdue only) for the schools the caller is a contact person of.");
        group.MapPost("/children/{childKey}/sip", StartSipAsync).WithName("StartSip")
            .WithSummary("Starts a coordinated individual plan (SIP) on the guardians' consent, with municipality and region participants.");
        group.MapGet("/children/{childKey}/chronology", ChronologyAsync).WithName("GetChildChronology")
            .WithSummary("One timeline of the child across agencies, filtered to what the caller may see.");
        return app;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> RecordFeedbackAsync(
        string childKey, string concernId, ReporterFeedbackRequest? request, HttpContext http, IActorClient actors, CancellationToken cancellationToken)
    {
        if (!StringIds.IsValid(concernId))
        {
            return ApiProblems.NotFound("concern");
        }

        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        var decision = await access.RequireChildAsync(http, childKey, AuditAction.Write, "reporter feedback").ConfigureAwait(false);
        var caller = http.GetCaller();
        var (_, problem) = await ActorCalls.CommandAsync(
            actors,
            CoordinationActors.ChildOf(decision.Child!.Value),
            new RecordReporterFeedback(new ConcernId(concernId), caller.Staff, caller.Agency),
            ActorCalls.IdempotencyKey(http, $"reporter-feedback:{concernId}"),
            cancellationToken).ConfigureAwait(false);
        return problem ?? (Results<Ok, ProblemHttpResult>)TypedResults.Ok();
    }

    private static async Task<Results<Created<SipReceipt>, ProblemHttpResult>> StartSipAsync(
        string childKey, SipRequest request, HttpContext http, IActorClient actors, ServiceClock time, CancellationToken cancellationToken)
    {
        var participants = request.Participants ?? [];
        if (participants.Count > CaseWorkApi.MaxAttendees)
        {
            return ApiProblems.TooMany("participants", "participants", CaseWorkApi.MaxAttendees);
        }

        var errors = new List<FieldError>();
        if (request.Consent is not { } c)
        {
            errors.Add(new FieldError("consent", "Required", "A SIP needs the consent it rests on."));
        }
        else if (!StringIds.IsValid(c.Id) || (c.Recipients ?? []).Any(r => !StringIds.IsValid(r)))
        {
            errors.Add(new FieldError("consent.id", "Invalid", "The consent needs an id, and its recipients are organisation ids."));
        }

        if (participants.Count == 0 || participants.Any(p => !StringIds.IsValid(p)))
        {
            errors.Add(new FieldError("participants", "Required", "Name the participants (staff ids) from the municipality and the region."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // A SIP records the guardians' consent: only those who manage the child's consents, and the school's student-health
        // team, start one (404 for anyone else, such as a teacher who sees the child through the school).
        var child = await ConsentApi.RequireManagerAsync(http, childKey, AuditAction.Write, "SIP", ChildRelation.StudentHealthTeam).ConfigureAwait(false);
        var caller = http.GetCaller();
        var now = time.GetUtcNow();
        var given = request.Consent!;
        var consent = new Consent
        {
            Id = new ConsentId(given.Id!),
            GivenBy = [.. given.GivenBy ?? []],
            Recipients = [.. (given.Recipients ?? []).Select(r => new Domain.Organisation.OrganisationId(r))],
            Categories = [.. given.Categories ?? []],
            Purpose = given.Purpose ?? string.Empty,
            ValidFrom = given.ValidFrom ?? now,
            ValidTo = given.ValidTo,
            RecordedAt = now,
            RecordedBy = caller.Staff,
        };
        if (consent.Validate() is { IsEmpty: false } invalid)
        {
            return ApiProblems.Invalid(invalid.Select(e => e with { Field = "consent." + e.Field }));
        }

        // Participants come from the child's municipality and its region; anyone else is answered as not in the roster.
        var start = new StartSip(consent, [.. participants.Distinct().Select(p => new Domain.Organisation.StaffId(p))], caller.Staff);
        if (await http.RequestServices.GetRequiredService<WriteScope>().StaffOutsideAsync(caller, start, cancellationToken).ConfigureAwait(false) is not null)
        {
            return ApiProblems.Refused(WriteScope.NoSuchStaff);
        }

        var (result, problem) = await ActorCalls.CommandAsync(
            actors,
            CoordinationActors.ChildOf(child),
            start,
            ActorCalls.IdempotencyKey(http, $"sip:{childKey}"),
            cancellationToken).ConfigureAwait(false);
        return problem ?? (Results<Created<SipReceipt>, ProblemHttpResult>)TypedResults.Created($"/api/v1/cases/{result!.Id}", new SipReceipt(result.Id!));
    }

    private static async Task<Results<Ok<ReporterFeedbackPage>, ProblemHttpResult>> ListFeedbackAsync(
        HttpContext http, NpgsqlDataSource database, ServiceClock time, CancellationToken cancellationToken, bool overdue = false, bool includeGiven = false)
    {
        var caller = http.GetCaller();
        if (caller.Agency != Domain.Organisation.Agency.SocialServices)
        {
            // Only social services owe feedback; others have nothing here.
            return TypedResults.Ok(new ReporterFeedbackPage([]));
        }

        await using var command = database.CreateCommand(FeedbackSql);
        // The school's social-services contact persons (who have the relation to its children), not all of the organisation.
        foreach (var value in new object[] { caller.Municipality.Value, caller.Organisation.Value, time.GetUtcNow(), includeGiven, overdue, MaxFeedbackItems, caller.Staff.Value })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var items = new List<ReporterFeedbackItem>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(new ReporterFeedbackItem(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetBoolean(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        var audit = http.RequestServices.GetRequiredService<IAuditLog>();
        await audit.RecordChildrenAsync(http, items.Select(i => new PseudonymousKey(i.ChildKey)).Distinct(), AuditAction.List, "reporter feedback")
            .ConfigureAwait(false);
        return TypedResults.Ok(new ReporterFeedbackPage(items));
    }

    private static async Task<Results<Ok<Chronology>, ProblemHttpResult>> ChronologyAsync(
        string childKey, HttpContext http, IActorClient actors, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var access = http.RequestServices.GetRequiredService<IChildAccess>();
        var decision = await access.RequireChildAsync(http, childKey, AuditAction.Read, "chronology").ConfigureAwait(false);
        var caller = http.GetCaller();
        var child = decision.Child!.Value;
        var entries = new List<ChronologyEntry>();

        // Cases: each one the caller may see (participants see theirs; others through their relation to the child).
        await using (var command = database.CreateCommand("select case_id from coord_cases where child_key = $1 order by opened_at"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = child.Value });
            var ids = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            foreach (var id in ids)
            {
                var caseAccess = await access.DecideCaseAsync(caller, new CaseId(id), cancellationToken).ConfigureAwait(false);
                if (!caseAccess.Allowed)
                {
                    continue;
                }

                var state = await actors.AskAsync<CaseState>(CoordinationActors.CaseOf(new CaseId(id)), new GetCase(), cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                if (state is null || state.Municipality?.Value != caller.Municipality.Value)
                {
                    continue;
                }

                entries.AddRange(state.Timeline
                    .Where(t => t.RestrictedTo is null || t.RestrictedTo == caller.Agency)
                    .Select(t => new ChronologyEntry(t.At, "case", t.Kind.ToString(), t.Text, id, state.Kind.ToString(), t.By?.Value)));
            }
        }

        // Concerns: to those who may see concerns (social services; the reporting organisation for its own reports).
        if (decision.MaySee(InformationCategory.Concerns))
        {
            var reportOnly = decision.Grants.First(g => g.Category == InformationCategory.Concerns) is { Basis: LegalBasisKind.ReportOfConcern };
            await using var command = database.CreateCommand(
                """
                select c.concern_id, c.category, c.reported_on, c.reporting_agency, c.outcome, c.decided_at, c.updated_at, f.given_at, f.overdue_at
                  from coord_concerns c left join coord_concern_feedback f on f.concern_id = c.concern_id
                 where c.child_key = $1 and (not $2 or c.reporting_org = $3)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = child.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = reportOnly });
            command.Parameters.Add(new NpgsqlParameter { Value = caller.Organisation.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                var reportedOn = reader.GetFieldValue<DateOnly>(2);
                entries.Add(new ChronologyEntry(
                    Domain.Calendar.SwedishTime.AtLocal(reportedOn, TimeOnly.MinValue), "concern", "ConcernReported",
                    $"Report of concern {id} ({reader.GetString(1)}) by {reader.GetString(3)}.", null, null, null));
                if (!reader.IsDBNull(4))
                {
                    entries.Add(new ChronologyEntry(reader.GetFieldValue<DateTimeOffset>(5), "concern", "ConcernOutcome", $"Concern {id}: investigation {reader.GetString(4)}.", null, null, null));
                }

                if (!reader.IsDBNull(7))
                {
                    entries.Add(new ChronologyEntry(reader.GetFieldValue<DateTimeOffset>(7), "concern", "ReporterFeedbackGiven", $"Feedback on concern {id} given to the reporter.", null, null, null));
                }
                else if (!reader.IsDBNull(8))
                {
                    entries.Add(new ChronologyEntry(reader.GetFieldValue<DateTimeOffset>(8), "concern", "ReporterFeedbackOverdue", $"Feedback on concern {id} is overdue.", null, null, null));
                }
            }
        }

        return TypedResults.Ok(new Chronology(child.Value, [.. entries.OrderBy(e => e.At).ThenBy(e => e.Source, StringComparer.Ordinal)]));
    }
}
