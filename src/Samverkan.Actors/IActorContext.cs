namespace Samverkan.Actors;

/// <summary>
/// What a handler can see and do. Everything it does is collected and committed atomically with the
/// mailbox checkpoint; nothing is visible to others before the commit, and nothing happens if it throws.
/// </summary>
public interface IActorContext<TState>
    where TState : class
{
    /// <summary>This actor.</summary>
    ActorId Self { get; }

    /// <summary>The current state. Assign to change it (it is persisted when the batch commits).</summary>
    TState State { get; set; }

    /// <summary>False until the actor's state was first persisted.</summary>
    bool Exists { get; }

    /// <summary>The current time from the runtime's <see cref="TimeProvider"/>.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Sends a message to another actor (or to itself), delivered after this batch commits.</summary>
    void Send(ActorId target, object message);

    /// <summary>Sets (or moves) the named durable timer; when due, <paramref name="message"/> is delivered to this actor.</summary>
    void SetTimer(string name, DateTimeOffset dueAt, object message);

    /// <summary>Cancels the named timer if it is set.</summary>
    void CancelTimer(string name);

    /// <summary>Emits a row for a read model; a registered <see cref="Projections.IProjector"/> for the row's type writes it in the same transaction.</summary>
    void Project(object row);

    /// <summary>Publishes a small notification on every node after the commit (best effort; the durable rows are the truth).</summary>
    void Publish(string topic, object payload);

    /// <summary>Deletes this actor's persisted state and timers (retention); the next message starts from the initial state.</summary>
    void DeleteState();
}
