using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Absence;

/// <summary>
/// An absence registration as received (every field may be missing), with the names of SS 12000's
/// <c>Attendance</c> so that validation errors name the fields the client sent: <see cref="AttendanceMinutes"/>
/// becomes <see cref="AbsenceRegistration.AttendedMinutes"/>, <see cref="ValidAbsenceMinutes"/> the excused and
/// <see cref="InvalidAbsenceMinutes"/> the unexcused minutes, <see cref="OtherAttendanceMinutes"/> (taking part in
/// another school activity) the other minutes and <see cref="ReportedTimestamp"/> the version
/// (<see cref="AbsenceRegistration.ReportedAt"/>). <see cref="CalendarEventId"/> is <c>calendarEvent</c>;
/// <see cref="OfferedMinutes"/> is the length of the lesson (or of the school day for per-day registrations).
/// Validate with <see cref="AbsenceValidation.Validate(AbsenceRegistrationInput, DateTimeOffset, AbsenceRecordPolicy)"/>.
/// </summary>
public sealed record AbsenceRegistrationInput
{
    /// <summary>The sending system, e.g. <c>skola24:2081</c>; source ids are unique within it.</summary>
    public string? Source { get; init; }

    /// <summary>The registration's id in the source (SS 12000 <c>Attendance.id</c>).</summary>
    public string? SourceId { get; init; }

    public PseudonymousKey? Pupil { get; init; }

    public SchoolId? School { get; init; }

    public DateOnly? Date { get; init; }

    /// <summary>The lesson; null for a registration that covers the whole school day.</summary>
    public string? CalendarEventId { get; init; }

    public int? OfferedMinutes { get; init; }

    /// <summary>Minutes present (SS 12000 <c>attendanceMinutes</c>).</summary>
    public int? AttendanceMinutes { get; init; }

    /// <summary>Minutes of excused absence (SS 12000 <c>validAbsenceMinutes</c>, <i>giltig frånvaro</i>).</summary>
    public int? ValidAbsenceMinutes { get; init; }

    /// <summary>Minutes of unexcused absence (SS 12000 <c>invalidAbsenceMinutes</c>, <i>ogiltig frånvaro</i>).</summary>
    public int? InvalidAbsenceMinutes { get; init; }

    /// <summary>Minutes in another school activity instead of the lesson (SS 12000 <c>otherAttendanceMinutes</c>).</summary>
    public int? OtherAttendanceMinutes { get; init; }

    /// <summary>When the source last reported or changed the registration (SS 12000 <c>reportedTimestamp</c>); the latest version wins.</summary>
    public DateTimeOffset? ReportedTimestamp { get; init; }
}
