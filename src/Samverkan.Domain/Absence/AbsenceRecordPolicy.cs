namespace Samverkan.Domain.Absence;

/// <summary>
/// How much absence detail a child's record keeps, and so which dates a registration may have: from
/// <see cref="OpenFrom"/> (at most <see cref="DefaultCorrectionHorizonDays"/> days back, within the retained school
/// years) to today.
/// </summary>
/// <param name="CorrectionHorizonDays">
/// Calendar days back from today within which registrations are accepted and corrections can replace
/// earlier versions (default 42: six weeks, well over the four-week window). Older days are sealed to
/// totals and registrations for them are refused.
/// </param>
/// <param name="RetainedSchoolYears">School years kept (default 2: the current and the previous; a school year starts 1 July).</param>
public sealed record AbsenceRecordPolicy(int CorrectionHorizonDays = AbsenceRecordPolicy.DefaultCorrectionHorizonDays, int RetainedSchoolYears = AbsenceRecordPolicy.DefaultRetainedSchoolYears)
{
    /// <summary>The default correction horizon, in calendar days: the oldest date a registration may have.</summary>
    public const int DefaultCorrectionHorizonDays = 42;

    /// <summary>The default number of school years kept.</summary>
    public const int DefaultRetainedSchoolYears = 2;

    public static AbsenceRecordPolicy Default { get; } = new();

    /// <summary>The first date kept at all.</summary>
    public DateOnly RetainedFrom(DateOnly today)
    {
        var currentSchoolYearStart = today.Month >= 7 ? today.Year : today.Year - 1;
        return new DateOnly(currentSchoolYearStart - (RetainedSchoolYears - 1), 7, 1);
    }

    /// <summary>The first date that is still open for registrations and corrections.</summary>
    public DateOnly OpenFrom(DateOnly today)
    {
        var horizon = today.AddDays(-CorrectionHorizonDays);
        var retained = RetainedFrom(today);
        return horizon > retained ? horizon : retained;
    }
}
