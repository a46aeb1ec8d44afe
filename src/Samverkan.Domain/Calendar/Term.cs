namespace Samverkan.Domain.Calendar;

/// <summary>
/// A term of a school year, e.g. the autumn term of 2025/26; <c>SchoolYearStart</c> is the calendar year
/// the school year starts in (2025 for 2025/26).
/// </summary>
public sealed record Term(int SchoolYearStart, TermKind Kind, DateRange Dates)
{
    /// <summary>A stable key, e.g. <c>2025/26-autumn</c>.</summary>
    public string Key => $"{SchoolYearStart}/{(SchoolYearStart + 1) % 100:00}-{Kind.ToString().ToLowerInvariant()}";
}
