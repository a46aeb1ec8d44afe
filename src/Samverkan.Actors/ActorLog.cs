using Microsoft.Extensions.Logging;

namespace Samverkan.Actors;

/// <summary>The runtime's log messages. Ids, never message contents or state.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(1000, LogLevel.Information, "Actor node {NodeName} ({NodeId}) started with {PartitionCount} partitions")]
    public static partial void NodeStarted(ILogger logger, string nodeName, Guid nodeId, int partitionCount);

    [LoggerMessage(1001, LogLevel.Information, "Actor node {NodeId} stopped and released its partitions")]
    public static partial void NodeStopped(ILogger logger, Guid nodeId);

    [LoggerMessage(1002, LogLevel.Information, "Acquired {Count} partitions (now {Owned}; live nodes {LiveNodes})")]
    public static partial void PartitionsAcquired(ILogger logger, int count, int owned, int liveNodes);

    [LoggerMessage(1003, LogLevel.Information, "Released {Count} partitions for rebalancing (now {Owned}; live nodes {LiveNodes})")]
    public static partial void PartitionsReleased(ILogger logger, int count, int owned, int liveNodes);

    [LoggerMessage(1004, LogLevel.Warning, "Lost partition {Partition} at epoch {Epoch}")]
    public static partial void PartitionLost(ILogger logger, int partition, long epoch);

    [LoggerMessage(1005, LogLevel.Warning, "Heartbeat failed; retrying")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Processing partition {Partition} failed; retrying in {DelayMs} ms")]
    public static partial void BatchFailed(ILogger logger, int partition, int delayMs, Exception exception);

    [LoggerMessage(1007, LogLevel.Warning, "Message {Seq} of kind {Kind} to actor type {ActorType} failed (attempt {Attempt} of {MaxAttempts})")]
    public static partial void MessageFailed(ILogger logger, long seq, string kind, string actorType, int attempt, int maxAttempts, Exception exception);

    [LoggerMessage(1008, LogLevel.Error, "Message {Seq} of kind {Kind} to actor type {ActorType} moved to the dead-letter table after {Attempts} attempts")]
    public static partial void DeadLettered(ILogger logger, long seq, string kind, string actorType, int attempts);

    [LoggerMessage(1009, LogLevel.Warning, "Notification listener lost its connection; reconnecting")]
    public static partial void ListenerDisconnected(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Information, "Notification listener connected")]
    public static partial void ListenerConnected(ILogger logger);

    [LoggerMessage(1011, LogLevel.Warning, "Commit of partition {Partition} refused: the lease moved on from epoch {Epoch}")]
    public static partial void CommitFenced(ILogger logger, int partition, long epoch);

    [LoggerMessage(1012, LogLevel.Debug, "Passivated {Count} idle actors of partition {Partition}")]
    public static partial void Passivated(ILogger logger, int count, int partition);

    [LoggerMessage(1013, LogLevel.Warning, "A signal subscriber failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(1014, LogLevel.Warning, "Housekeeping failed")]
    public static partial void HousekeepingFailed(ILogger logger, Exception exception);

    [LoggerMessage(1015, LogLevel.Information, "Prepared the serializers of {Count} state and message types in {Milliseconds} ms")]
    public static partial void SerializersPrepared(ILogger logger, int count, long milliseconds);

    [LoggerMessage(1016, LogLevel.Warning, "Preparing the serializers at start failed; they are built on first use")]
    public static partial void SerializersNotPrepared(ILogger logger, Exception exception);
}
