using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Absence;

/// <summary>
/// One registration's contribution to a day, kept while the day is within the correction horizon so that a
/// later version with the same key can replace it. <see cref="Key"/> is a 64-bit fingerprint of source and
/// source id (16 hex digits) rather than the ids themselves, to keep the state small. For the same reason
/// the persisted names are one letter (k, v, o, a, e, u, x) and zero minutes are left out; a child keeps
/// one entry per lesson for the whole correction horizon, so this is most of a child's state.
/// </summary>
public sealed record AbsenceEntry(
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("v")] DateTimeOffset Version,
    [property: JsonPropertyName("o"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Offered,
    [property: JsonPropertyName("a"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Attended,
    [property: JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Excused,
    [property: JsonPropertyName("u"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Unexcused,
    [property: JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Other)
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
    [JsonIgnore]
    public AbsenceTotals Totals => new(Offered, Attended, Excused, Unexcused, Other, Unexcused > 0 ? 1 : 0);
}
