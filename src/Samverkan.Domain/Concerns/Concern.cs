using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Concerns;

/// <summary>
/// A report of concern (orosanmälan) about a child, as far as Samverkan needs it: who reported (organisation
/// and role, not the person), the category, the date, a minimal summary, and the outcome once social
/// services have decided. The reporter's identity is kept apart (<see cref="ConcernReporter"/>).
/// </summary>
public sealed record Concern
{
    public required ConcernId Id { get; init; }

    public required OrganisationId ReportingOrganisation { get; init; }

    public required Agency ReportingAgency { get; init; }

    public required StaffRole ReporterRole { get; init; }

    public required ConcernCategory Category { get; init; }

    /// <summary>The date of the report (what the 12-month rule counts from).</summary>
    public required DateOnly Date { get; init; }

    /// <summary>When Samverkan received it.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>A minimal summary (no more than the coordination needs; at most <see cref="ConcernReport.MaxSummaryLength"/> characters).</summary>
    public required string Summary { get; init; }

    /// <summary>The reporter judged the situation acute: cases it triggers are urgent.</summary>
    public bool Urgent { get; init; }

    public ConcernOutcome? Outcome { get; init; }
}
