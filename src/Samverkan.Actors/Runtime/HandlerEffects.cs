namespace Samverkan.Actors.Runtime;

/// <summary>Everything one handler did, carried out by its grain after the handler returns (in one state write).</summary>
internal sealed class HandlerEffects
{
    public List<OutgoingMessage> Outgoing { get; } = [];

    /// <summary>Timer changes by name; the last change of a timer wins.</summary>
    public Dictionary<string, TimerChange> Timers { get; } = new(StringComparer.Ordinal);

    public List<object> Rows { get; } = [];

    /// <summary>Notifications as "topic\njson".</summary>
    public List<string> Signals { get; } = [];
}

internal readonly record struct OutgoingMessage(ActorId Target, string Kind, string Payload);

internal readonly record struct TimerChange(DateTimeOffset DueAt, string? Kind, string? Payload)
{
    public bool IsCancel => Kind is null;
}
