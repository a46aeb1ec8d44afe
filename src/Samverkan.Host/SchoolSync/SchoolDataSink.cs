using System.Collections.Immutable;
using Npgsql;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Api;
using Samverkan.Host.Security;
using Samverkan.SchoolSync;

namespace Samverkan.Host.SchoolSync;

/// <summary>
/// The SS 12000 connector's writes, on the roster and absence APIs' own code paths (<see cref="RosterApi"/> and
/// <see cref="AbsenceApi"/> in-process methods), with the source as the caller: a feed (<c>samverkan.ingest</c>) of its
/// school organiser in its municipality, so the same write scope applies as to that organiser's school system.
/// </summary>
public sealed class SchoolDataSink(ChildIdentity identity, WriteScope scope, IActorClient actors, IGrainFactory grains, NpgsqlDataSource database, ServiceClock time) : ISchoolDataSink
{
    public (string? Key, string? ErrorCode) DeriveKey(string personalIdentityNumber)
    {
        var (key, error) = identity.Resolve(new ChildReference(personalIdentityNumber, null), "civicNo");
        return (key?.Value, error?.Code);
    }

    public async Task<SinkOutcome> WriteStaffAsync(SyncWriter writer, Staff staff, CancellationToken cancellationToken) =>
        Outcome(await RosterApi.WriteStaffInProcessAsync(CallerOf(writer), staff, scope, actors, cancellationToken).ConfigureAwait(false));

    public async Task<SinkOutcome> WriteTeamAsync(SyncWriter writer, Team team, CancellationToken cancellationToken) =>
        Outcome(await RosterApi.WriteTeamInProcessAsync(CallerOf(writer), team, scope, actors, cancellationToken).ConfigureAwait(false));

    /// <summary>SS 12000 knows nothing of the school's social-services link: the registered one is kept.</summary>
    public async Task<SinkOutcome> WriteSchoolAsync(SyncWriter writer, School school, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(school);
        if (await grains.School(school.Id).GetAsync().ConfigureAwait(false) is { } registered)
        {
            school = school with { SocialServices = registered.SocialServices };
        }

        return Outcome(await RosterApi.WriteSchoolInProcessAsync(CallerOf(writer), school, scope, grains, cancellationToken).ConfigureAwait(false));
    }

    public async Task<SinkOutcome> WriteChildAsync(SyncWriter writer, SyncedChild child, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(child);
        var item = new ChildRosterItem(new ChildReference(null, child.Key), child.HomeMunicipality, child.Enrolments, null, [], child.ProtectedIdentity, null);
        return Outcome(await RosterApi.WriteChildInProcessAsync(CallerOf(writer), item, identity, scope, actors, cancellationToken).ConfigureAwait(false));
    }

    public async Task<AbsenceSinkOutcome> WriteAbsencesAsync(SyncWriter writer, IReadOnlyList<SyncedAttendance> attendances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attendances);
        ArgumentNullException.ThrowIfNull(writer);
        var items = attendances.Select(a => new AbsenceItem(
            writer.Source, a.SourceId, new ChildReference(null, a.PupilKey), a.School, a.Date, a.CalendarEventId, a.OfferedMinutes,
            a.AttendanceMinutes, a.ValidAbsenceMinutes, a.InvalidAbsenceMinutes, a.OtherAttendanceMinutes, a.ReportedTimestamp)).ToList();
        var accepted = 0;
        var duplicates = 0;
        var stale = 0;
        var refused = new List<RefusedItem>();
        for (var offset = 0; offset < items.Count; offset += AbsenceApi.MaxItemsPerBatch)
        {
            var chunk = items.Skip(offset).Take(AbsenceApi.MaxItemsPerBatch).ToList();
            var (receipt, errors) = await AbsenceApi.StoreInProcessAsync(chunk, CallerOf(writer), identity, scope, database, actors, time, cancellationToken).ConfigureAwait(false);
            if (receipt is not null)
            {
                (accepted, duplicates, stale) = (accepted + receipt.Accepted, duplicates + receipt.Duplicates, stale + receipt.Stale);
            }

            refused.AddRange(errors.Where(e => e.Index is not null).Select(e => new RefusedItem(offset + e.Index!.Value, e.Code)));
        }

        return new AbsenceSinkOutcome(accepted, duplicates, stale, refused);
    }

    /// <summary>The source as a caller: a feed of its school organiser, in its municipality.</summary>
    internal static Caller CallerOf(SyncWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new Caller(
            new StaffId("ss12000:" + writer.Source), new OrganisationId(writer.Organisation), new MunicipalityCode(writer.Municipality), Agency.School,
            ImmutableArray<StaffRole>.Empty, IsCoordinator: false, IsFeed: true, RegionCode: null);
    }

    private static SinkOutcome Outcome(CommandResult result) => new(result.Ok, result.Code, result.Message);
}
