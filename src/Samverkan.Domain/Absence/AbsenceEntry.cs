using System.Security.Cryptography;
using System.Text;

namespace Samverkan.Domain.Absence;

/// <summary>
/// One registration's contribution to a day, kept while the day is within the correction horizon so that a
/// later version with the same key can replace it. <see cref="Key"/> is a 64-bit fingerprint of source and
/// source id (16 hex digits) rather than the ids themselves, to keep the state small.
/// </summary>
public sealed record AbsenceEntry(string Key, DateTimeOffset Version, int Offered, int Attended, int Excused, int Unexcused, int Other)
{
    /// <summary>The fingerprint of a registration's identity.</summary>
    public static string KeyFor(string source, string sourceId)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sourceId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source + "\n" + sourceId));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>The entry of a registration.</summary>
    public static AbsenceEntry From(AbsenceRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new AbsenceEntry(
            KeyFor(registration.Source, registration.SourceId),
            registration.ReportedAt,
            registration.OfferedMinutes,
            registration.AttendedMinutes,
            registration.ExcusedMinutes,
            registration.UnexcusedMinutes,
            registration.OtherMinutes);
    }

    /// <summary>This entry's minutes as totals.</summary>
    public AbsenceTotals Totals => new(Offered, Attended, Excused, Unexcused, Other, Unexcused > 0 ? 1 : 0);
}
