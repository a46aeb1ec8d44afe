using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samverkan.Actors;

/// <summary>Settings of the actor runtime. Bound from configuration section <c>Samverkan:Actors</c>.</summary>
public sealed class ActorRuntimeOptions
{
    public const string SectionName = "Samverkan:Actors";

    /// <summary>Fixed for the life of a deployment; a node configured otherwise refuses to start.</summary>
    [Range(1, 65536)]
    public int PartitionCount { get; set; } = 128;

    /// <summary>How long a partition lease lasts without renewal. A dead node's partitions move after this.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a node heartbeats, renews its leases and rebalances. Default: a third of the TTL.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>The safety net under LISTEN/NOTIFY: how often owned partitions are checked for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages (and due timers) taken from one partition in one transaction.</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Processing loops per node; each serves the partitions <c>p % loops == i</c>, many per transaction.</summary>
    [Range(1, 64)]
    public int ProcessingLoops { get; set; } = 4;

    /// <summary>After this many failed attempts a message goes to the dead-letter table.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Upper bound of activations held in memory on this node.</summary>
    [Range(1, int.MaxValue)]
    public int MaxActiveActors { get; set; } = 200_000;

    /// <summary>An activation unused for this long is passivated (dropped from memory).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Default timeout of <see cref="IActorClient.AskAsync{TReply}"/>.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long deduplication keys and stored replies are kept.</summary>
    public TimeSpan RequestRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>False for a node that only sends and asks (it takes no partitions).</summary>
    public bool ProcessMessages { get; set; } = true;

    /// <summary>
    /// Build the serializer metadata of every state and message type when the node starts (in the background), so the
    /// first messages after a start do not pay for it (about 0.5 s of CPU once).
    /// </summary>
    public bool PrepareSerializers { get; set; } = true;

    /// <summary>A readable name of this node for operators (not unique; the node id is).</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How messages, states and replies are serialized.</summary>
    public JsonSerializerOptions JsonOptions { get; set; } = CreateDefaultJsonOptions();

    internal TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? LeaseTtl / 3;

    public static JsonSerializerOptions CreateDefaultJsonOptions() =>
        new(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PartitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        if (LeaseTtl < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseTtl), "The lease TTL must be at least one second.");
        }

        if (EffectiveHeartbeatInterval >= LeaseTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), "The heartbeat must be shorter than the lease TTL.");
        }
    }
}
