using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Concerns;

/// <summary>A report of concern as submitted, including who reported it.</summary>
public sealed record ConcernReport
{
    /// <summary>The longest summary accepted: the summary is a pointer, not the report itself.</summary>
    public const int MaxSummaryLength = 500;

    /// <summary>
    /// How many years back the concern's <see cref="Date"/> may be. The date is when what worried the reporter was seen;
    /// the repeated-concern rule looks back 12 months, so two years leaves room for a late report while an older date
    /// (a mistyped year, 1800-01-01) is refused rather than stored and shown.
    /// </summary>
    public const int MaxAgeYears = 2;

    public required ConcernId Id { get; init; }

    public required OrganisationId ReportingOrganisation { get; init; }

    public required Agency ReportingAgency { get; init; }

    public required StaffRole ReporterRole { get; init; }

    public required ConcernCategory Category { get; init; }

    public required DateOnly Date { get; init; }

    public required string Summary { get; init; }

    public bool Urgent { get; init; }

    public required ReporterIdentity Reporter { get; init; }

    /// <summary>Problems with the report as of <paramref name="now"/>; empty when it is valid.</summary>
    public ImmutableArray<FieldError> Validate(DateTimeOffset now)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (!StringIds.IsValid(Id.Value))
        {
            errors.Add(new FieldError("id", "Required", "id is required."));
        }

        if (!StringIds.IsValid(ReportingOrganisation.Value))
        {
            errors.Add(new FieldError("reportingOrganisation", "Required", "reportingOrganisation is required."));
        }

        if (!Enum.IsDefined(Category))
        {
            errors.Add(new FieldError("category", "Invalid", "Unknown category."));
        }

        var today = SwedishTime.DateOf(now);
        if (Date == default)
        {
            errors.Add(new FieldError("date", "Required", "date is required."));
        }
        else if (Date > today)
        {
            errors.Add(new FieldError("date", "InFuture", $"The date {Date:yyyy-MM-dd} is after today ({today:yyyy-MM-dd})."));
        }
        else if (Date < EarliestDate(today))
        {
            errors.Add(new FieldError("date", "TooOld", $"The date {Date:yyyy-MM-dd} is more than {MaxAgeYears} years back; the earliest accepted is {EarliestDate(today):yyyy-MM-dd}."));
        }

        if (string.IsNullOrWhiteSpace(Summary))
        {
            errors.Add(new FieldError("summary", "Required", "summary is required."));
        }
        else if (Summary.Length > MaxSummaryLength)
        {
            errors.Add(new FieldError("summary", "TooLong", $"The summary may be at most {MaxSummaryLength} characters."));
        }

        if (Reporter is null || (Reporter.Staff is null && string.IsNullOrWhiteSpace(Reporter.ExternalReference)))
        {
            errors.Add(new FieldError("reporter", "Required", "The reporter (a staff id or an external reference) is required."));
        }

        return errors.ToImmutable();
    }

    /// <summary>The earliest <see cref="Date"/> accepted on <paramref name="today"/> (<see cref="MaxAgeYears"/> back).</summary>
    public static DateOnly EarliestDate(DateOnly today) => today.AddYears(-MaxAgeYears);

    /// <summary>The concern without the reporter's identity.</summary>
    public Concern ToConcern(DateTimeOffset receivedAt) => new()
    {
        Id = Id,
        ReportingOrganisation = ReportingOrganisation,
        ReportingAgency = ReportingAgency,
        ReporterRole = ReporterRole,
        Category = Category,
        Date = Date,
        ReceivedAt = receivedAt,
        Summary = Summary,
        Urgent = Urgent,
    };
}
