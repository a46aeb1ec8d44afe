namespace Samverkan.Actors.Runtime;

/// <summary>A mailbox message or a due timer, taken from a partition for processing.</summary>
internal sealed class WorkItem
{
    public required ActorId Actor { get; init; }

    public required int Partition { get; init; }

    public required string Kind { get; init; }

    public required string Payload { get; init; }

    public bool IsTimer { get; init; }

    /// <summary>Mailbox sequence number (0 for timers).</summary>
    public long Seq { get; init; }

    public string? RequestId { get; init; }

    public bool ExpectsReply { get; init; }

    public int Attempts { get; set; }

    /// <summary>When the message was stored, or when the timer came due.</summary>
    public DateTimeOffset EnqueuedAt { get; init; }

    public string? TraceParent { get; init; }

    public string? TimerName { get; init; }

    public DateTimeOffset TimerDueAt { get; init; }
}
