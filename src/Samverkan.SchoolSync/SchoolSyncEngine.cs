using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Children;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.SchoolSync.Ss12000;

namespace Samverkan.SchoolSync;

/// <summary>What one run did: per kind the items pulled, applied, refused; or the fault that stopped it.</summary>
public sealed record SyncReport(
    string Source, DateTimeOffset Started, DateTimeOffset Finished, string? ErrorCode, string? Error, ImmutableSortedDictionary<string, int> Items)
{
    public bool Succeeded => ErrorCode is null;

    public int this[string counter] => Items.GetValueOrDefault(counter);
}

/// <summary>
/// One run of one source: organisations, duties (staff, the student-health team), placements, persons (children with
/// enrolment and protected identity), attendances (absence), deletedEntities (end of enrolment), in that order, each
/// listing from its watermark (<c>meta.modified.after</c>) page by page. A page is validated whole before any of it is
/// applied; a listing's watermark moves to the newest <c>meta.modified</c> it held only once all its pages were stored.
/// A fault stops the run and leaves every watermark not yet advanced where it was: the next run pulls those items again,
/// and every write is idempotent by the source's ids. Run it through <see cref="ISchoolSyncGrain"/> (one runner per source).
/// </summary>
public sealed partial class SchoolSyncEngine(
    Ss12000Client client, SchoolSyncStore store, ISchoolDataSink sink, ServiceClock clock, ILogger<SchoolSyncEngine> logger)
{
    /// <summary>Deletions carry no timestamp; their listing restarts this long before the last run's start (re-applying one changes nothing).</summary>
    public static readonly TimeSpan DeletionOverlap = TimeSpan.FromMinutes(5);

    /// <summary>The outcome code of a write the host could not make in time (<see cref="SinkOutcome.Code"/>).</summary>
    public const string UnavailableCode = "Unavailable";

    private const int Parallelism = 4;

    public async Task<SyncReport> RunAsync(SchoolSyncSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var run = new Run(source, SwedishTime.DateOf(clock.GetUtcNow()));
        var started = DateTimeOffset.UtcNow;
        await store.RunStartedAsync(source.Name, started, cancellationToken).ConfigureAwait(false);
        string? code = null, error = null;
        try
        {
            await OrganisationsAndDutiesAsync(run, cancellationToken).ConfigureAwait(false);
            foreach (var unit in source.SchoolUnits)
            {
                await PlacementsAsync(run, unit, cancellationToken).ConfigureAwait(false);
            }

            foreach (var unit in source.SchoolUnits)
            {
                await PersonsAsync(run, unit, cancellationToken).ConfigureAwait(false);
            }

            await RewriteChildrenAsync(run, [.. run.PlacementsChanged.Except(run.ChildrenWritten)], cancellationToken).ConfigureAwait(false);
            foreach (var unit in source.SchoolUnits)
            {
                await AttendancesAsync(run, unit, cancellationToken).ConfigureAwait(false);
            }

            await DeletionsAsync(run, started, cancellationToken).ConfigureAwait(false);
        }
        catch (Ss12000Exception exception)
        {
            (code, error) = (exception.Code, exception.Message);
        }
        catch (SchoolSyncWriteException exception)
        {
            (code, error) = ("WriteFailed", exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The type only: a message (of the database, the actors) could quote data.
            (code, error) = ("Error", exception.GetType().Name);
        }

        var finished = DateTimeOffset.UtcNow;
        var items = run.Counts.ToImmutableSortedDictionary(StringComparer.Ordinal);
        await store.RunEndedAsync(source.Name, finished, code, error, items, CancellationToken.None).ConfigureAwait(false);
        if (code is null)
        {
            Log.Succeeded(logger, source.Name, items.Where(i => i.Key.EndsWith(".applied", StringComparison.Ordinal)).Sum(i => i.Value), finished - started);
        }
        else
        {
            Log.Failed(logger, source.Name, code, error!);
        }

        var report = new SyncReport(source.Name, started, finished, code, error, items);
        SchoolSyncMetrics.Record(report);
        return report;
    }

    private async Task OrganisationsAndDutiesAsync(Run run, CancellationToken cancellationToken)
    {
        var source = run.Source;
        var covered = source.SchoolUnits.ToHashSet(StringComparer.Ordinal);
        var schools = new Dictionary<string, Ss12000Organisation>(StringComparer.Ordinal);
        await ListAsync<Ss12000Organisation>(run, "organisations", "organisations", [new("type", Ss12000Codes.SchoolUnit)], Ss12000Validation.Organisation, o => o.Meta!.Modified!.Value,
            async (page, ct) =>
            {
                foreach (var unit in page.Where(o => covered.Contains(o.Id!) && o.OrganisationType == Ss12000Codes.SchoolUnit))
                {
                    await store.SaveUnitAsync(source.Name, unit.Id!, unit.DisplayName!, ct).ConfigureAwait(false);
                    schools[unit.Id!] = unit;
                }
            },
            cancellationToken).ConfigureAwait(false);

        var persons = new HashSet<string>(StringComparer.Ordinal);
        var units = new HashSet<string>(schools.Keys, StringComparer.Ordinal);
        foreach (var unit in source.SchoolUnits)
        {
            await ListAsync<Ss12000Duty>(run, "duties", "duties/" + unit, [new("organisation", unit), new("expandReferenceNames", "true")], Ss12000Validation.Duty,
                d => d.Meta!.Modified!.Value,
                async (page, ct) =>
                {
                    foreach (var duty in page.Where(d => d.DutyAt!.Id == unit))
                    {
                        await store.SaveDutyAsync(source.Name, new SyncedDuty(
                            duty.Id!, duty.Person!.Id!, SchoolSyncMapping.StaffName(duty), unit, duty.DutyRole!, SchoolSyncMapping.IsHealthTeam(duty, run.Today),
                            duty.StartDate!.Value, duty.EndDate), ct).ConfigureAwait(false);
                        persons.Add(duty.Person.Id!);
                        units.Add(unit);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }

        await WriteStaffAsync(run, persons, cancellationToken).ConfigureAwait(false);
        await WriteTeamsAsync(run, units, cancellationToken).ConfigureAwait(false);
        foreach (var unit in schools.Values)
        {
            var school = new School
            {
                Id = new SchoolId(unit.Id!),
                Name = unit.DisplayName!,
                Municipality = new MunicipalityCode(source.Municipality),
                Kind = SchoolSyncMapping.KindOf(unit.SchoolTypes),
                Organisation = new OrganisationId(source.Organisation),
                StudentHealthTeam = SchoolSyncMapping.HealthTeamOf(unit.Id!),
            };
            run.Count("organisations", await sink.WriteSchoolAsync(run.Writer, school, cancellationToken).ConfigureAwait(false));
        }
    }

    private async Task WriteStaffAsync(Run run, IReadOnlyCollection<string> persons, CancellationToken cancellationToken)
    {
        if (persons.Count == 0)
        {
            return;
        }

        var duties = (await store.DutiesAsync(run.Source.Name, persons, null, cancellationToken).ConfigureAwait(false)).ToLookup(d => d.PersonId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(persons, Options(cancellationToken), async (person, ct) =>
        {
            var active = duties[person].Where(d => run.IsCurrent(d.From, d.To)).ToList();
            var staff = new Staff
            {
                Id = new StaffId(person),
                DisplayName = (active.Count > 0 ? active : duties[person]).Select(d => d.DisplayName).FirstOrDefault() ?? "Personal",
                Organisation = new OrganisationId(run.Source.Organisation),
                Agency = Agency.School,
                Roles = [.. active.Select(d => SchoolSyncMapping.RoleOf(d.DutyRole)).OfType<StaffRole>().Distinct().Order()],
                Active = active.Count > 0,
            };
            run.Count("staff", await sink.WriteStaffAsync(run.Writer, staff, ct).ConfigureAwait(false));
        }).ConfigureAwait(false);
    }

    private async Task WriteTeamsAsync(Run run, IReadOnlyCollection<string> units, CancellationToken cancellationToken)
    {
        if (units.Count == 0)
        {
            return;
        }

        var names = await store.UnitsAsync(run.Source.Name, cancellationToken).ConfigureAwait(false);
        var duties = (await store.DutiesAsync(run.Source.Name, null, units, cancellationToken).ConfigureAwait(false)).ToLookup(d => d.SchoolUnit, StringComparer.Ordinal);
        foreach (var unit in units)
        {
            var members = duties[unit]
                .Where(d => d.HealthTeam && run.IsCurrent(d.From, d.To))
                .Select(d => new TeamMember(new StaffId(d.PersonId), SchoolSyncMapping.RoleOf(d.DutyRole) ?? StaffRole.SpecialEducator))
                .GroupBy(m => m.Staff)
                .Select(g => g.OrderBy(m => m.Role).First())
                .OrderBy(m => m.Role).ThenBy(m => m.Staff.Value, StringComparer.Ordinal);
            var team = new Team
            {
                Id = SchoolSyncMapping.HealthTeamOf(unit),
                Name = "Elevhälsoteam " + names.GetValueOrDefault(unit, unit),
                Agency = Agency.School,
                Organisation = new OrganisationId(run.Source.Organisation),
                Municipality = new MunicipalityCode(run.Source.Municipality),
                Members = [.. members],
            };
            run.Count("teams", await sink.WriteTeamAsync(run.Writer, team, cancellationToken).ConfigureAwait(false));
        }
    }

    private Task PlacementsAsync(Run run, string unit, CancellationToken cancellationToken) =>
        ListAsync<Ss12000Placement>(run, "placements", "placements/" + unit, [new("organisation", unit)], Ss12000Validation.Placement, p => p.Meta!.Modified!.Value,
            async (page, ct) =>
            {
                foreach (var placement in page.Where(p => p.PlacedAt!.Id == unit))
                {
                    await store.SavePlacementAsync(run.Source.Name,
                        new SyncedPlacement(placement.Id!, placement.Child!.Id!, unit, placement.StartDate!.Value, placement.EndDate), ct).ConfigureAwait(false);
                    run.PlacementsChanged.Add(placement.Child.Id!);
                    run.Count("placements.applied");
                }
            },
            cancellationToken);

    private Task PersonsAsync(Run run, string unit, CancellationToken cancellationToken) =>
        ListAsync<Ss12000Person>(run, "persons", "persons/" + unit, [new("relationship.organisation", unit)], Ss12000Validation.Person, p => p.Meta!.Modified!.Value,
            async (page, ct) =>
            {
                var ids = page.Select(p => p.Id!).ToList();
                var placements = (await store.PlacementsAsync(run.Source.Name, ids, ct).ConfigureAwait(false)).ToLookup(p => p.PersonId, StringComparer.Ordinal);
                var covered = run.Source.SchoolUnits.ToHashSet(StringComparer.Ordinal);
                await Parallel.ForEachAsync(page, Options(ct), async (person, token) =>
                {
                    ImmutableArray<Enrolment> enrolments = [.. (person.Enrolments ?? [])
                        .Where(e => e.Cancelled != true && covered.Contains(e.EnroledAt!.Id!))
                        .Select(e => new Enrolment(new SchoolId(e.EnroledAt!.Id!), e.StartDate!.Value, e.EndDate))];
                    if (enrolments.IsEmpty && !placements[person.Id!].Any(p => covered.Contains(p.SchoolUnit)))
                    {
                        run.Count("persons.notPupils");
                        return;
                    }

                    // The civic number derives the key here and goes no further: not stored, not logged, not in any message.
                    var (key, keyError) = person.CivicNo?.Value is { } civicNo ? sink.DeriveKey(civicNo) : (null, "NoCivicNo");
                    if (key is null)
                    {
                        run.Count("persons.refused." + keyError);
                        return;
                    }

                    var pupil = new SyncedPupil(person.Id!, key, SchoolSyncMapping.IsProtected(person.SecurityMarking), run.Source.Municipality, enrolments, null);
                    var outcome = await sink.WriteChildAsync(run.Writer, ChildOf(run, pupil, placements[person.Id!]), token).ConfigureAwait(false);
                    run.Count("persons", outcome);
                    if (outcome.Ok)
                    {
                        await store.SavePupilAsync(run.Source.Name, pupil, person.Meta!.Modified!.Value, token).ConfigureAwait(false);
                        run.ChildrenWritten.Add(person.Id!);
                    }
                }).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Children whose placements (or end) changed: the write carries their flag as stored, as every write of a child does.</summary>
    private async Task RewriteChildrenAsync(Run run, IReadOnlyCollection<string> persons, CancellationToken cancellationToken)
    {
        if (persons.Count == 0)
        {
            return;
        }

        var pupils = await store.PupilsAsync(run.Source.Name, persons, cancellationToken).ConfigureAwait(false);
        var placements = (await store.PlacementsAsync(run.Source.Name, pupils.Keys, cancellationToken).ConfigureAwait(false)).ToLookup(p => p.PersonId, StringComparer.Ordinal);
        foreach (var pupil in pupils.Values)
        {
            var outcome = await sink.WriteChildAsync(run.Writer, ChildOf(run, pupil, placements[pupil.PersonId]), cancellationToken).ConfigureAwait(false);
            run.Count("children.rewritten", outcome);
        }
    }

    private static SyncedChild ChildOf(Run run, SyncedPupil pupil, IEnumerable<SyncedPlacement> placements)
    {
        var covered = run.Source.SchoolUnits.ToHashSet(StringComparer.Ordinal);
        var enrolments = pupil.Enrolments
            .Concat(placements.Where(p => covered.Contains(p.SchoolUnit)).Select(p => new Enrolment(new SchoolId(p.SchoolUnit), p.From, p.To)))
            .Select(e => pupil.EndedOn is { } ended && (e.To is null || e.To > ended) ? e with { To = ended < e.From ? e.From : ended } : e)
            .Distinct()
            .OrderBy(e => e.School.Value, StringComparer.Ordinal).ThenBy(e => e.From);
        return new SyncedChild(pupil.Key, pupil.Home, [.. enrolments], pupil.Protected);
    }

    private Task AttendancesAsync(Run run, string unit, CancellationToken cancellationToken) =>
        ListAsync<Ss12000Attendance>(run, "attendances", "attendances/" + unit, [new("organisation", unit)], Ss12000Validation.Attendance, a => a.Meta!.Modified!.Value,
            async (page, ct) =>
            {
                var pupils = await store.PupilsAsync(run.Source.Name, page.Select(a => a.Student!.Id!), ct).ConfigureAwait(false);
                var items = new List<SyncedAttendance>(page.Count);
                foreach (var attendance in page)
                {
                    if (attendance.IsReported != true)
                    {
                        run.Count("attendances.notReported");
                        continue;
                    }

                    if (!pupils.TryGetValue(attendance.Student!.Id!, out var pupil))
                    {
                        run.Count("attendances.refused.UnknownPupil");
                        continue;
                    }

                    var lesson = await LessonAsync(run, attendance.CalendarEvent!.Id!, ct).ConfigureAwait(false);
                    if (lesson.Cancelled == true)
                    {
                        run.Count("attendances.cancelledLesson");
                        continue;
                    }

                    var modified = attendance.Meta!.Modified!.Value;
                    items.Add(new SyncedAttendance(
                        attendance.Id!, pupil.Key, unit, SwedishTime.DateOf(lesson.StartTime!.Value), lesson.Id!,
                        lesson.TeachingLengthStudent ?? (int)Math.Round((lesson.EndTime!.Value - lesson.StartTime.Value).TotalMinutes),
                        attendance.AttendanceMinutes ?? 0, attendance.ValidAbsenceMinutes ?? 0, attendance.InvalidAbsenceMinutes ?? 0,
                        attendance.OtherAttendanceMinutes ?? 0,
                        // A correction is a later meta.modified: it is the registration's version.
                        attendance.ReportedTimestamp is { } reported && reported > modified ? reported : modified));
                }

                await RegisterAsync(run, items, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>All or nothing per request, as the batch endpoint: the refused are named and left out, the rest sent again.</summary>
    private async Task RegisterAsync(Run run, List<SyncedAttendance> items, CancellationToken cancellationToken)
    {
        for (var round = 0; items.Count > 0 && round < 2; round++)
        {
            var outcome = await sink.WriteAbsencesAsync(run.Writer, items, cancellationToken).ConfigureAwait(false);
            if (outcome.Refused.Count == 0)
            {
                run.Count("attendances.applied", outcome.Accepted);
                run.Count("attendances.duplicates", outcome.Duplicates);
                run.Count("attendances.stale", outcome.Stale);
                return;
            }

            var refused = outcome.Refused.Select(r => r.Index).ToHashSet();
            foreach (var group in outcome.Refused.GroupBy(r => r.Code, StringComparer.Ordinal))
            {
                run.Count("attendances.refused." + group.Key, group.Select(r => r.Index).Distinct().Count());
            }

            items = [.. items.Where((_, i) => !refused.Contains(i))];
        }

        if (items.Count > 0)
        {
            throw new SchoolSyncWriteException("Absence registrations were refused twice.");
        }
    }

    private async Task<Ss12000CalendarEvent> LessonAsync(Run run, string id, CancellationToken cancellationToken)
    {
        if (run.Lessons.TryGetValue(id, out var known))
        {
            return known;
        }

        var lesson = await client.GetCalendarEventAsync(run.Source, id, cancellationToken).ConfigureAwait(false);
        if (Ss12000Validation.CalendarEvent(lesson) is { } reason)
        {
            throw new Ss12000MalformedPageException($"A calendar event was refused: {reason}.");
        }

        return run.Lessons[id] = lesson;
    }

    private async Task DeletionsAsync(Run run, DateTimeOffset started, CancellationToken cancellationToken)
    {
        const string Kind = "deletedEntities";
        var source = run.Source;
        var after = await store.WatermarkAsync(source.Name, Kind, cancellationToken).ConfigureAwait(false);
        var persons = new HashSet<string>(StringComparer.Ordinal);
        var placements = new HashSet<string>(StringComparer.Ordinal);
        var duties = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await client.GetDeletedPageAsync(source, after, token, cancellationToken).ConfigureAwait(false);
            var data = page.Data!;
            var ids = new[] { data.Persons, data.Placements, data.Duties, data.Attendances, data.Groups, data.Organisations }.SelectMany(l => l ?? []);
            if (ids.Any(id => !SchoolSyncMapping.IsId(id)))
            {
                throw new Ss12000MalformedPageException("A page of deletedEntities was refused: an id is empty.");
            }

            persons.UnionWith(data.Persons ?? []);
            placements.UnionWith(data.Placements ?? []);
            duties.UnionWith(data.Duties ?? []);
            run.Count("deletedEntities.attendances.notApplied", data.Attendances?.Count ?? 0);
            token = NextToken(token, page.PageToken, Kind);
        }
        while (token is not null);

        // Persons: their enrolments from this source end today (the record stays: the absence history is the child's).
        var pupils = await store.PupilsAsync(source.Name, persons, cancellationToken).ConfigureAwait(false);
        foreach (var pupil in pupils.Values.Where(p => p.EndedOn is null))
        {
            await store.SavePupilAsync(source.Name, pupil with { EndedOn = run.Today }, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }

        var rewrite = pupils.Keys.Concat(await store.DeletePlacementsAsync(source.Name, placements, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        await RewriteChildrenAsync(run, rewrite, cancellationToken).ConfigureAwait(false);
        run.Count("deletedEntities.persons.applied", pupils.Count);
        run.Count("deletedEntities.placements.applied", placements.Count);

        var removed = await store.DeleteDutiesAsync(source.Name, duties, cancellationToken).ConfigureAwait(false);
        await WriteStaffAsync(run, [.. removed.Select(r => r.Person).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        await WriteTeamsAsync(run, [.. removed.Select(r => r.Unit).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        run.Count("deletedEntities.duties.applied", removed.Count);

        await store.AdvanceWatermarkAsync(source.Name, Kind, started - DeletionOverlap, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One listing from its watermark: every page validated whole, then applied; the watermark moves to the newest
    /// <c>meta.modified</c> of the listing once its last page was applied (not before: pages need not be in order).
    /// </summary>
    private async Task ListAsync<T>(
        Run run, string endpoint, string kind, List<KeyValuePair<string, string>> filters, Func<T, string?> check, Func<T, DateTimeOffset> modified,
        Func<IReadOnlyList<T>, CancellationToken, Task> apply, CancellationToken cancellationToken)
        where T : class
    {
        var source = run.Source;
        var watermark = await store.WatermarkAsync(source.Name, kind, cancellationToken).ConfigureAwait(false);
        if (watermark is { } since)
        {
            filters.Add(new("meta.modified.after", Ss12000Client.Timestamp(since)));
        }

        DateTimeOffset? newest = null;
        string? token = null;
        do
        {
            var page = await client.GetPageAsync<T>(source, endpoint, filters, token, cancellationToken).ConfigureAwait(false);
            var items = Ss12000Validation.Whole(page, endpoint, check);
            run.Count(endpoint + ".pulled", items.Count);
            await apply(items, cancellationToken).ConfigureAwait(false);
            foreach (var item in items)
            {
                var at = modified(item);
                newest = newest is null || at > newest ? at : newest;
            }

            token = NextToken(token, page.PageToken, endpoint);
        }
        while (token is not null);

        if (newest is { } last && (watermark is null || last > watermark))
        {
            await store.AdvanceWatermarkAsync(source.Name, kind, last, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? NextToken(string? previous, string? next, string endpoint) =>
        string.IsNullOrEmpty(next) ? null
        : next == previous ? throw new Ss12000MalformedPageException($"A page of {endpoint} gave its own pageToken again.")
        : next;

    private static ParallelOptions Options(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };

    /// <summary>The state of one run.</summary>
    private sealed class Run(SchoolSyncSource source, DateOnly today)
    {
        public SchoolSyncSource Source { get; } = source;

        public SyncWriter Writer { get; } = new(source.Name, source.Municipality, source.Organisation);

        public DateOnly Today { get; } = today;

        public ConcurrentDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, Ss12000CalendarEvent> Lessons { get; } = new(StringComparer.Ordinal);

        public HashSet<string> PlacementsChanged { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> ChildrenWritten { get; } = [];

        public bool IsCurrent(DateOnly from, DateOnly? to) => from <= Today && (to is null || to >= Today);

        public void Count(string counter, int by = 1)
        {
            if (by != 0)
            {
                Counts.AddOrUpdate(counter, by, (_, n) => n + by);
            }
        }

        public void Count(string kind, SinkOutcome outcome)
        {
            ArgumentNullException.ThrowIfNull(outcome);

            // Not answered in time is not a refusal: stop, so the watermark stays before the item.
            if (!outcome.Ok && outcome.Code == UnavailableCode)
            {
                throw new SchoolSyncWriteException($"A write of {kind} was not answered in time.");
            }

            Count(outcome.Ok ? kind + ".applied" : kind + ".refused." + (outcome.Code ?? "Unknown"));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "SS 12000 source {Source}: run done, {Applied} items applied in {Elapsed}.")]
        public static partial void Succeeded(ILogger logger, string source, int applied, TimeSpan elapsed);

        [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "SS 12000 source {Source}: run stopped ({Code}: {Error}); watermarks not advanced past what was stored.")]
        public static partial void Failed(ILogger logger, string source, string code, string error);
    }
}

/// <summary>A write the host could not make (its database or actors did not answer): the run stops, the watermark stays.</summary>
public sealed class SchoolSyncWriteException(string message, Exception? inner = null) : Exception(message, inner);
