using System.Text.Json.Serialization;

namespace Samverkan.Domain.Common;

/// <summary>Whether a durable timer is to be set or cancelled.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TimerAction>))]
public enum TimerAction
{
    Set,
    Cancel,
}

/// <summary>
/// A durable timer (reminder) the actor wants. Names are unique per actor: setting a name that is already
/// set moves it. When it fires, the actor calls the matching decision (see <see cref="TimerNames"/>).
/// </summary>
public sealed record TimerInstruction(string Name, TimerAction Action, DateTimeOffset? DueAt)
{
    public static TimerInstruction Set(string name, DateTimeOffset dueAt) => new(name, TimerAction.Set, dueAt);

    public static TimerInstruction Cancel(string name) => new(name, TimerAction.Cancel, null);
}

/// <summary>Timer names used by the decisions.</summary>
public static class TimerNames
{
    /// <summary>On a child: the watch ends; call <c>ChildDecisions.ExpireWatch</c>.</summary>
    public const string WatchExpiry = "watch-expiry";

    /// <summary>On a case: the acknowledgement deadline; call <c>CaseDecisions.AcknowledgementDeadlinePassed</c>.</summary>
    public const string AcknowledgementDeadline = "ack-deadline";
}
