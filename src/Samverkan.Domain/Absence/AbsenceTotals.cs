using System.Text.Json.Serialization;

namespace Samverkan.Domain.Absence;

/// <summary>
/// Minute sums over one or more registrations, and <c>UnexcusedLessons</c>: how many registrations
/// (lessons, or days for per-day registrations) had unexcused minutes. Persisted with one-letter names
/// (o, a, e, u, x, l) and without zeros, as part of the compact absence record.
/// </summary>
public readonly record struct AbsenceTotals(
    [property: JsonPropertyName("o"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Offered,
    [property: JsonPropertyName("a"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Attended,
    [property: JsonPropertyName("e"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Excused,
    [property: JsonPropertyName("u"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Unexcused,
    [property: JsonPropertyName("x"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Other,
    [property: JsonPropertyName("l"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int UnexcusedLessons)
{
    public static AbsenceTotals Zero => default;

    /// <summary>Excused plus unexcused minutes.</summary>
    [JsonIgnore]
    public int Absent => Excused + Unexcused;

    public static AbsenceTotals operator +(AbsenceTotals a, AbsenceTotals b) =>
        new(a.Offered + b.Offered, a.Attended + b.Attended, a.Excused + b.Excused, a.Unexcused + b.Unexcused, a.Other + b.Other, a.UnexcusedLessons + b.UnexcusedLessons);

    public static AbsenceTotals Add(AbsenceTotals a, AbsenceTotals b) => a + b;
}
