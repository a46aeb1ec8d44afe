using System.Collections.Immutable;
using Samverkan.Domain.Cases.Events;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Cases;

/// <summary>
/// The result of a case decision: the new state and what happened. With an <see cref="Error"/> the command
/// was refused and <see cref="NewState"/> is the unchanged state (null when nothing existed).
/// </summary>
public sealed record CaseDecision
{
    public CaseState? NewState { get; init; }

    public ImmutableArray<CaseEvent> Events { get; init; } = [];

    public ImmutableArray<AlertRequest> Alerts { get; init; } = [];

    public ImmutableArray<TimerInstruction> Timers { get; init; } = [];

    public DecisionError? Error { get; init; }

    public bool IsRefused => Error is not null;

    /// <summary>The id of what the command created (a plan action, a meeting …), when it did.</summary>
    public string? CreatedId { get; init; }

    /// <summary>True when the command changed nothing (e.g. a replayed trigger).</summary>
    public bool IsUnchanged { get; init; }
}

/// <summary>Error codes of case decisions.</summary>
public static class CaseErrors
{
    /// <summary>The case is closed: the child must open a new case (see <c>ChildDecisions.RerouteTrigger</c>).</summary>
    public const string Closed = "CaseClosed";
    public const string WrongCase = "WrongCase";
    public const string NotParticipant = "NotParticipant";
    public const string TransitionNotAllowed = "TransitionNotAllowed";
    public const string ReasonRequired = "ReasonRequired";
    public const string AlreadyExists = "CaseAlreadyExists";
}
