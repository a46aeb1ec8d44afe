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

/// <summary>
/// Pure validation of absence registrations. Field names are the client's JSON (camelCase) names, those of
/// SS 12000's <c>Attendance</c> (<c>attendanceMinutes</c>, <c>validAbsenceMinutes</c>, <c>invalidAbsenceMinutes</c>,
/// <c>otherAttendanceMinutes</c>, <c>reportedTimestamp</c>), also for an already typed registration.
/// </summary>
public static class AbsenceValidation
{
    /// <summary>The longest offered time of one registration (a whole day).</summary>
    public const int MaxOfferedMinutes = 24 * 60;

    /// <summary>How far ahead of <c>now</c> a source clock may be.</summary>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Validates an input: required fields (source, sourceId, pupil, school, date, offeredMinutes,
    /// reportedTimestamp); minutes not negative; attendance + valid absence + invalid absence + other attendance
    /// equal to the offered minutes (SS 12000's four parts share out the pupil's time of the lesson, so in a
    /// reported lesson every offered minute is exactly one of them); the date not after today (Swedish date of
    /// <paramref name="now"/>) and not before the correction horizon of <paramref name="policy"/> (the child's
    /// record refuses older dates); reportedTimestamp not in the future. Missing attendance/absence/other minutes
    /// are read as 0, as SS 12000 makes them optional.
    /// </summary>
    public static AbsenceValidationResult Validate(AbsenceRegistrationInput input, DateTimeOffset now, AbsenceRecordPolicy? policy = null)
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
        else if ((policy ?? AbsenceRecordPolicy.Default).OpenFrom(SwedishTime.DateOf(now)) is var openFrom && input.Date < openFrom)
        {
            errors.Add(OutsideCorrectionHorizon(openFrom));
        }

        if (input.OfferedMinutes is null)
        {
            errors.Add(Missing("offeredMinutes"));
        }

        if (input.ReportedTimestamp is null)
        {
            errors.Add(Missing("reportedTimestamp"));
        }

        if (input.CalendarEventId is not null && !StringIds.IsValid(input.CalendarEventId))
        {
            errors.Add(new FieldError("calendarEventId", "Invalid", "The calendar event id must be non-blank and at most 200 characters."));
        }

        CheckValues(
            input.Date,
            input.OfferedMinutes,
            new Minutes(input.AttendanceMinutes ?? 0, input.ValidAbsenceMinutes ?? 0, input.InvalidAbsenceMinutes ?? 0, input.OtherAttendanceMinutes ?? 0),
            input.ReportedTimestamp,
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
            input.AttendanceMinutes ?? 0,
            input.ValidAbsenceMinutes ?? 0,
            input.InvalidAbsenceMinutes ?? 0,
            input.OtherAttendanceMinutes ?? 0,
            input.ReportedTimestamp!.Value);
        return new AbsenceValidationResult(registration, []);
    }

    /// <summary>The same checks on an already typed registration (decisions re-check their input); the record checks its own horizon.</summary>
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
            new Minutes(registration.AttendedMinutes, registration.ExcusedMinutes, registration.UnexcusedMinutes, registration.OtherMinutes),
            registration.ReportedAt == default ? null : registration.ReportedAt,
            now,
            errors);
        return errors.ToImmutable();
    }

    /// <summary>The refusal of a date before the correction horizon (<paramref name="openFrom"/>): that part of the record is sealed.</summary>
    public static FieldError OutsideCorrectionHorizon(DateOnly openFrom) =>
        new("date", "OutsideCorrectionHorizon", $"Registrations before {openFrom:yyyy-MM-dd} are no longer accepted; that part of the record is sealed.");

    private static void CheckValues(
        DateOnly? date,
        int? offered,
        Minutes minutes,
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
            errors.Add(new FieldError("reportedTimestamp", "InFuture", "The reported time is in the future."));
        }

        var negative = false;
        foreach (var (value, field) in new[]
                 {
                     (offered ?? 0, "offeredMinutes"), (minutes.Attendance, "attendanceMinutes"), (minutes.ValidAbsence, "validAbsenceMinutes"),
                     (minutes.InvalidAbsence, "invalidAbsenceMinutes"), (minutes.OtherAttendance, "otherAttendanceMinutes"),
                 })
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

        var sum = minutes.Sum;
        if (!negative && offered is { } o && sum != o)
        {
            errors.Add(new FieldError(
                "offeredMinutes",
                sum > o ? "MinutesExceedOffered" : "MinutesBelowOffered",
                $"attendanceMinutes ({minutes.Attendance}) + validAbsenceMinutes ({minutes.ValidAbsence}) + invalidAbsenceMinutes ({minutes.InvalidAbsence}) "
                + $"+ otherAttendanceMinutes ({minutes.OtherAttendance}) = {sum} must equal the offered {o} minutes."));
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

    /// <summary>SS 12000's four shares of the offered time.</summary>
    private readonly record struct Minutes(int Attendance, int ValidAbsence, int InvalidAbsence, int OtherAttendance)
    {
        public long Sum => (long)Attendance + ValidAbsence + InvalidAbsence + OtherAttendance;
    }
}
