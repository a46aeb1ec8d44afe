namespace Samverkan.Actors.Runtime;

/// <summary>An actor in memory on the owner of its partition: its committed state and a little bookkeeping.</summary>
internal sealed class Activation(ActorId id, int partition, object state, bool exists, long version)
{
    public ActorId Id { get; } = id;

    public int Partition { get; } = partition;

    public object State { get; set; } = state;

    /// <summary>True when the state is persisted.</summary>
    public bool Exists { get; set; } = exists;

    /// <summary>Commits of this actor's state so far.</summary>
    public long Version { get; set; } = version;

    public long LastUsed { get; set; } = Environment.TickCount64;

    // Per-batch scratch, reset after commit or eviction.
    public bool Dirty { get; set; }

    public bool Deleted { get; set; }
}
