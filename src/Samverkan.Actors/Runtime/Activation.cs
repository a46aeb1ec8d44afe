namespace Samverkan.Actors.Runtime;

/// <summary>An actor in memory in its grain: its stored state and what the handler being run changed.</summary>
internal sealed class Activation(ActorId id, object state, bool exists, long version)
{
    public ActorId Id { get; } = id;

    public object State { get; set; } = state;

    /// <summary>True when the state is persisted.</summary>
    public bool Exists { get; set; } = exists;

    /// <summary>Writes of this actor's state so far.</summary>
    public long Version { get; set; } = version;

    // Per-handler scratch, reset after the write.
    public bool Dirty { get; set; }

    public bool Deleted { get; set; }
}
