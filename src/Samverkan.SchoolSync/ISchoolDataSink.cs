using System.Collections.Immutable;
using Samverkan.Domain.Children;
using Samverkan.Domain.Organisation;

namespace Samverkan.SchoolSync;

/// <summary>Who writes: the source, as a feed of its school organiser in its municipality.</summary>
public sealed record SyncWriter(string Source, string Municipality, string Organisation);

/// <summary>The outcome of one roster write (as the roster API's item results: applied, or refused with a code).</summary>
public sealed record SinkOutcome(bool Ok, string? Code, string? Message)
{
    public static SinkOutcome Applied { get; } = new(true, null, null);
}

/// <summary>A pupil as the source gives it: the key only (the civic number derived it), the enrolments and the protected-identity flag.</summary>
public sealed record SyncedChild(string Key, string HomeMunicipality, ImmutableArray<Enrolment> Enrolments, bool ProtectedIdentity);

/// <summary>One SS 12000 attendance (one pupil, one lesson) in the absence API's terms.</summary>
public sealed record SyncedAttendance(
    string SourceId,
    string PupilKey,
    string School,
    DateOnly Date,
    string CalendarEventId,
    int OfferedMinutes,
    int AttendanceMinutes,
    int ValidAbsenceMinutes,
    int InvalidAbsenceMinutes,
    int OtherAttendanceMinutes,
    DateTimeOffset ReportedTimestamp);

/// <summary>An attendance the absence path refused, by its index in the request.</summary>
public sealed record RefusedItem(int Index, string Code);

/// <summary>As the absence API's receipt: stored, already stored, stale (a newer version is recorded), refused.</summary>
public sealed record AbsenceSinkOutcome(int Accepted, int Duplicates, int Stale, IReadOnlyList<RefusedItem> Refused);

/// <summary>
/// Where the connector's writes go: implemented by the host on the same code paths as the roster and absence HTTP APIs
/// (the same validation, write scope and actor commands), called in-process with the source as the caller.
/// </summary>
public interface ISchoolDataSink
{
    /// <summary>The child's pseudonymous key from a personal identity number, as the roster API derives it; the number is not kept.</summary>
    (string? Key, string? ErrorCode) DeriveKey(string personalIdentityNumber);

    Task<SinkOutcome> WriteStaffAsync(SyncWriter writer, Staff staff, CancellationToken cancellationToken);

    Task<SinkOutcome> WriteTeamAsync(SyncWriter writer, Team team, CancellationToken cancellationToken);

    /// <summary>Writes the school unit; what SS 12000 does not know (the social-services link) is kept as registered.</summary>
    Task<SinkOutcome> WriteSchoolAsync(SyncWriter writer, School school, CancellationToken cancellationToken);

    /// <summary>Writes the child with its protected-identity flag in the same command.</summary>
    Task<SinkOutcome> WriteChildAsync(SyncWriter writer, SyncedChild child, CancellationToken cancellationToken);

    /// <summary>Registers absences all or nothing, as the batch endpoint: when any is refused none is stored and the refused are named.</summary>
    Task<AbsenceSinkOutcome> WriteAbsencesAsync(SyncWriter writer, IReadOnlyList<SyncedAttendance> attendances, CancellationToken cancellationToken);
}
