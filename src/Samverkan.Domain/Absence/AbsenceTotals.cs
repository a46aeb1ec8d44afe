using System.Text.Json.Serialization;

namespace Samverkan.Domain.Absence;

/// <summary>
/// Minute sums over one or more registrations, and <c>UnexcusedLessons</c>: how many registrations
/// (lessons, or days for per-day registrations) had unexcused minutes.
/// </summary>
public readonly record struct AbsenceTotals(int Offered, int Attended, int Excused, int Unexcused, int Other, int UnexcusedLessons)
{
    public static AbsenceTotals Zero => default;

    /// <summary>Excused plus unexcused minutes.</summary>
    [JsonIgnore]
    public int Absent => Excused + Unexcused;

    public static AbsenceTotals operator +(AbsenceTotals a, AbsenceTotals b) =>
        new(a.Offered + b.Offered, a.Attended + b.Attended, a.Excused + b.Excused, a.Unexcused + b.Unexcused, a.Other + b.Other, a.UnexcusedLessons + b.UnexcusedLessons);

    public static AbsenceTotals Add(AbsenceTotals a, AbsenceTotals b) => a + b;
}
