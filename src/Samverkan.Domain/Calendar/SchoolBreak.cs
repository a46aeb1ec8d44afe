namespace Samverkan.Domain.Calendar;

/// <summary>A configured break: no school days in <see cref="Dates"/>.</summary>
public sealed record SchoolBreak(BreakKind Kind, DateRange Dates, string? Name = null);
