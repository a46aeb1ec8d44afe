namespace Samverkan.Actors;

/// <summary>
/// How callers (the API, feeds, tests) reach actors. A send returns once the message is durably stored;
/// an ask also awaits the actor's reply. A retry with the same deduplication key has the same outcome.
/// </summary>
public interface IActorClient
{
    /// <summary>Stores the message in the target's mailbox. Returns <see cref="SendOutcome.Duplicate"/> when the key was seen before.</summary>
    Task<SendOutcome> SendAsync(ActorId target, object message, string? deduplicationKey = null, CancellationToken cancellationToken = default);

    /// <summary>Stores many messages in one transaction: all or none. Outcomes in input order.</summary>
    Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ActorMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the message and awaits the actor's reply. With a deduplication key, a retry returns the stored reply.
    /// Throws <see cref="ActorTimeoutException"/> when no reply comes in time (the message stays stored and is processed),
    /// and <see cref="ActorRequestFailedException"/> when the message was dead-lettered.
    /// </summary>
    Task<TReply?> AskAsync<TReply>(ActorId target, object message, string? deduplicationKey = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default);
}

/// <summary>A message for <see cref="IActorClient.SendBatchAsync"/>.</summary>
public readonly record struct ActorMessage(ActorId Target, object Message, string? DeduplicationKey = null);

public enum SendOutcome
{
    /// <summary>Stored for the first time.</summary>
    Accepted,

    /// <summary>The deduplication key was stored before; nothing new was stored.</summary>
    Duplicate,
}

/// <summary>No reply came within the timeout. The message is stored and will be processed.</summary>
public sealed class ActorTimeoutException(string message) : TimeoutException(message);

/// <summary>The actor could not process the request; it was moved to the dead-letter table.</summary>
public sealed class ActorRequestFailedException(string message) : Exception(message);
