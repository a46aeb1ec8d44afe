using System.Collections.Immutable;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children;

/// <summary>
/// The result of a child decision: the new state and what happened: events (for read models and audit),
/// case triggers (send each to the case actor <see cref="CaseTrigger.Case"/>), alerts, timers, and for
/// absence batches the outcome of each registration. With an <see cref="Error"/> the command was refused
/// and <see cref="NewState"/> is the unchanged state.
/// </summary>
public sealed record ChildDecision
{
    public required ChildState NewState { get; init; }

    public ImmutableArray<ChildEvent> Events { get; init; } = [];

    public ImmutableArray<CaseTrigger> CaseTriggers { get; init; } = [];

    public ImmutableArray<AlertRequest> Alerts { get; init; } = [];

    public ImmutableArray<TimerInstruction> Timers { get; init; } = [];

    public ImmutableArray<RegistrationOutcome> Registrations { get; init; } = [];

    /// <summary>The child changed school: each open case is to follow (send each to its case actor).</summary>
    public ImmutableArray<CaseSchoolChange> SchoolChanges { get; init; } = [];

    public DecisionError? Error { get; init; }

    public bool IsRefused => Error is not null;
}

/// <summary>
/// An open case of a child who changed school: it follows to <see cref="School"/> (in <see cref="Municipality"/>).
/// <see cref="ConsentAllows"/>: a consent in force lets the new school's organisation see the case work, which a move
/// to another municipality needs.
/// </summary>
public sealed record CaseSchoolChange(CaseId Case, SchoolId School, MunicipalityCode Municipality, bool ConsentAllows);

/// <summary>Error codes of child decisions.</summary>
public static class ChildErrors
{
    public const string Invalid = "Invalid";
    public const string WrongChild = "WrongChild";
    public const string NotEnrolled = "NotEnrolled";
    public const string ConcernNotFound = "ConcernNotFound";
    public const string ConcernExists = "ConcernExists";
    public const string OutcomeAlreadyRecorded = "OutcomeAlreadyRecorded";
    public const string ConsentNotFound = "ConsentNotFound";
    public const string ConsentExists = "ConsentExists";
    public const string DecisionExists = "DecisionExists";
}
