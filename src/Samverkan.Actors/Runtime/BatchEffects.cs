namespace Samverkan.Actors.Runtime;

/// <summary>Everything the handlers of one batch did, committed in one transaction.</summary>
internal sealed class BatchEffects
{
    public List<WorkItem> Processed { get; } = [];

    public HashSet<Activation> Touched { get; } = new(ReferenceEqualityComparer.Instance);

    public List<OutgoingMessage> Outgoing { get; } = [];

    /// <summary>Timer changes; the last change of a timer in the batch wins.</summary>
    public Dictionary<(string Type, string Key, string Name), TimerChange> Timers { get; } = [];

    public List<object> Rows { get; } = [];

    /// <summary>Notifications as "topic\njson".</summary>
    public List<string> Signals { get; } = [];

    public List<ReplyRecord> Replies { get; } = [];
}

internal readonly record struct OutgoingMessage(int Partition, ActorId Target, string Kind, string Payload, string? TraceParent);

internal readonly record struct TimerChange(int Partition, DateTimeOffset DueAt, string? Kind, string? Payload)
{
    public bool IsCancel => Kind is null;
}

internal readonly record struct ReplyRecord(string RequestId, string? Kind, string? Json, string? Error);
