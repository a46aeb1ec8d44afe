using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Absence;

/// <summary>
/// An absence registration as received (every field may be missing), shaped like SS 12000's
/// <c>Attendance</c>: <see cref="AttendedMinutes"/> is <c>attendanceMinutes</c>, <see cref="ExcusedMinutes"/>
/// is <c>validAbsenceMinutes</c>, <see cref="UnexcusedMinutes"/> is <c>invalidAbsenceMinutes</c>,
/// <see cref="OtherMinutes"/> is <c>otherAttendanceMinutes</c> (taking part in another school activity),
/// <see cref="CalendarEventId"/> is <c>calendarEvent</c>. <see cref="OfferedMinutes"/> is the length of the
/// lesson (or of the school day for per-day registrations). Validate with <see cref="AbsenceValidation.Validate(AbsenceRegistrationInput, DateTimeOffset)"/>.
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

    public int? AttendedMinutes { get; init; }

    public int? ExcusedMinutes { get; init; }

    public int? UnexcusedMinutes { get; init; }

    public int? OtherMinutes { get; init; }

    /// <summary>When the source last reported or changed the registration; the latest version wins.</summary>
    public DateTimeOffset? ReportedAt { get; init; }
}
