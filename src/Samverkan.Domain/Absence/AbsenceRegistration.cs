using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Absence;

/// <summary>
/// A validated absence registration for one pupil and one lesson (or one school day). A registration
/// with the same <see cref="Source"/> and <see cref="SourceId"/> as an earlier one replaces it when its
/// <see cref="ReportedAt"/> is later (a correction); <see cref="OfferedMinutes"/> 0 with no minutes
/// withdraws it (a cancelled lesson or a deletion at the source).
/// </summary>
public sealed record AbsenceRegistration(
    string Source,
    string SourceId,
    PseudonymousKey Pupil,
    SchoolId School,
    DateOnly Date,
    string? CalendarEventId,
    int OfferedMinutes,
    int AttendedMinutes,
    int ExcusedMinutes,
    int UnexcusedMinutes,
    int OtherMinutes,
    DateTimeOffset ReportedAt)
{
    /// <summary>Excused plus unexcused minutes: both count as absence.</summary>
    public int AbsentMinutes => ExcusedMinutes + UnexcusedMinutes;
}
