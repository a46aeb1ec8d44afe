using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Absence;

/// <summary>The registration when the input is valid, otherwise the errors per field.</summary>
public sealed record AbsenceValidationResult(AbsenceRegistration? Registration, ImmutableArray<FieldError> Errors)
{
    public bool IsValid => Registration is not null;
}

/// <summary>Pure validation of absence registrations. Field names are the JSON (camelCase) names.</summary>
public static class AbsenceValidation
{
    /// <summary>The longest offered time of one registration (a whole day).</summary>
    public const int MaxOfferedMinutes = 24 * 60;

    /// <summary>How far ahead of <c>now</c> a source clock may be.</summary>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Validates an input: required fields (source, sourceId, pupil, school, date, offeredMinutes,
    /// reportedAt); minutes not negative; attended + excused + unexcused + other not above offered;
    /// the date not after today (Swedish date of <paramref name="now"/>); reportedAt not in the future.
    /// Missing attended/excused/unexcused/other minutes are read as 0, as SS 12000 makes them optional.
    /// </summary>
    public static AbsenceValidationResult Validate(AbsenceRegistrationInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        RequireId(input.Source, "source", errors);
        RequireId(input.SourceId, "sourceId", errors);
        if (input.Pupil is null)
        {
            errors.Add(Missing("pupil"));
        }

        if (input.School is null)
        {
            errors.Add(Missing("school"));
        }

        if (input.Date is null)
        {
            errors.Add(Missing("date"));
        }

        if (input.OfferedMinutes is null)
        {
            errors.Add(Missing("offeredMinutes"));
        }

        if (input.ReportedAt is null)
        {
            errors.Add(Missing("reportedAt"));
        }

        if (input.CalendarEventId is not null && !StringIds.IsValid(input.CalendarEventId))
        {
            errors.Add(new FieldError("calendarEventId", "Invalid", "The calendar event id must be non-blank and at most 200 characters."));
        }

        CheckValues(
            input.Date,
            input.OfferedMinutes,
            input.AttendedMinutes ?? 0,
            input.ExcusedMinutes ?? 0,
            input.UnexcusedMinutes ?? 0,
            input.OtherMinutes ?? 0,
            input.ReportedAt,
            now,
            errors);

        if (errors.Count > 0)
        {
            return new AbsenceValidationResult(null, errors.ToImmutable());
        }

        var registration = new AbsenceRegistration(
            input.Source!,
            input.SourceId!,
            input.Pupil!.Value,
            input.School!.Value,
            input.Date!.Value,
            input.CalendarEventId,
            input.OfferedMinutes!.Value,
            input.AttendedMinutes ?? 0,
            input.ExcusedMinutes ?? 0,
            input.UnexcusedMinutes ?? 0,
            input.OtherMinutes ?? 0,
            input.ReportedAt!.Value);
        return new AbsenceValidationResult(registration, []);
    }

    /// <summary>The same checks on an already typed registration (decisions re-check their input).</summary>
    public static ImmutableArray<FieldError> Validate(AbsenceRegistration registration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        RequireId(registration.Source, "source", errors);
        RequireId(registration.SourceId, "sourceId", errors);
        if (!PseudonymousKey.IsWellFormed(registration.Pupil.Value))
        {
            errors.Add(Missing("pupil"));
        }

        if (!StringIds.IsValid(registration.School.Value))
        {
            errors.Add(Missing("school"));
        }

        if (registration.Date == default)
        {
            errors.Add(Missing("date"));
        }

        CheckValues(
            registration.Date == default ? null : registration.Date,
            registration.OfferedMinutes,
            registration.AttendedMinutes,
            registration.ExcusedMinutes,
            registration.UnexcusedMinutes,
            registration.OtherMinutes,
            registration.ReportedAt == default ? null : registration.ReportedAt,
            now,
            errors);
        return errors.ToImmutable();
    }

    private static void CheckValues(
        DateOnly? date,
        int? offered,
        int attended,
        int excused,
        int unexcused,
        int other,
        DateTimeOffset? reportedAt,
        DateTimeOffset now,
        ImmutableArray<FieldError>.Builder errors)
    {
        var today = SwedishTime.DateOf(now);
        if (date is { } d && d > today)
        {
            errors.Add(new FieldError("date", "InFuture", $"The date {d:yyyy-MM-dd} is after today ({today:yyyy-MM-dd})."));
        }

        if (reportedAt is { } r && r > now + ClockSkewTolerance)
        {
            errors.Add(new FieldError("reportedAt", "InFuture", "The reported time is in the future."));
        }

        var negative = false;
        foreach (var (value, field) in new[] { (offered ?? 0, "offeredMinutes"), (attended, "attendedMinutes"), (excused, "excusedMinutes"), (unexcused, "unexcusedMinutes"), (other, "otherMinutes") })
        {
            if (value < 0)
            {
                negative = true;
                errors.Add(new FieldError(field, "Negative", "Minutes cannot be negative."));
            }
        }

        if (offered > MaxOfferedMinutes)
        {
            errors.Add(new FieldError("offeredMinutes", "TooLarge", $"At most {MaxOfferedMinutes} minutes can be offered in one registration."));
        }

        var sum = (long)attended + excused + unexcused + other;
        if (!negative && offered is { } o && sum > o)
        {
            errors.Add(new FieldError(
                "offeredMinutes",
                "MinutesExceedOffered",
                $"attended ({attended}) + excused ({excused}) + unexcused ({unexcused}) + other ({other}) = {sum} exceeds the offered {o} minutes."));
        }
    }

    private static void RequireId(string? value, string field, ImmutableArray<FieldError>.Builder errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(Missing(field));
        }
        else if (!StringIds.IsValid(value))
        {
            errors.Add(new FieldError(field, "Invalid", "Must be at most 200 characters without surrounding whitespace."));
        }
    }

    private static FieldError Missing(string field) => new(field, "Required", $"{field} is required.");
}
