using System.Text.Json;

namespace Samverkan.Actors.Grains;

/// <summary>
/// What an actor grain persists in one write: the actor's state, and the effects not yet carried out, so that a grain
/// that stops between its write and its effects carries them out when it is next active.
/// </summary>
[GenerateSerializer, Alias("samverkan.actor-grain-state.v1")]
public sealed class ActorGrainState
{
    /// <summary>The actor's state (its own schema, <see cref="StateVersion"/>), or null before the first write and after a delete.</summary>
    [Id(0)]
    public JsonElement? State { get; set; }

    [Id(1)]
    public int StateVersion { get; set; }

    /// <summary>Writes of the actor's state so far; read-model rows and effect ids are numbered by it.</summary>
    [Id(2)]
    public long Version { get; set; }

    /// <summary>The number of the next message this actor sends (effect ids are <c>{type}/{key}/{number}</c>).</summary>
    [Id(3)]
    public long NextEffect { get; set; }

    /// <summary>Messages to other actors not yet acknowledged by them, in the order they were sent.</summary>
    [Id(4)]
    public List<PendingSend> Outbox { get; set; } = [];

    /// <summary>Read-model rows of versions not yet known to be written (written once each, <see cref="ActorGrainReadModels"/>).</summary>
    [Id(5)]
    public List<PendingRows> Rows { get; set; } = [];

    /// <summary>The actor's durable timers by name.</summary>
    [Id(6)]
    public Dictionary<string, DueTimer> Timers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most recent effect ids handled (a bounded window: a sender redelivers within seconds).</summary>
    [Id(7)]
    public List<string> RecentEffects { get; set; } = [];

    /// <summary>The most recent command ids handled, with their replies.</summary>
    [Id(8)]
    public List<StoredReply> RecentCommands { get; set; } = [];
}

[GenerateSerializer, Alias("samverkan.pending-send.v1")]
public sealed record PendingSend(
    [property: Id(0)] string EffectId,
    [property: Id(1)] string TargetType,
    [property: Id(2)] string TargetKey,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Payload);

[GenerateSerializer, Alias("samverkan.pending-rows.v1")]
public sealed record PendingRows([property: Id(0)] long Version, [property: Id(1)] List<PendingRow> Items);

/// <summary>A read-model row: its type (as the projectors know it) and its JSON.</summary>
[GenerateSerializer, Alias("samverkan.pending-row.v1")]
public sealed record PendingRow([property: Id(0)] string Type, [property: Id(1)] string Json);

[GenerateSerializer, Alias("samverkan.due-timer.v1")]
public sealed record DueTimer([property: Id(0)] DateTimeOffset DueAt, [property: Id(1)] string Kind, [property: Id(2)] string Payload);

[GenerateSerializer, Alias("samverkan.stored-reply.v1")]
public sealed record StoredReply([property: Id(0)] string CommandId, [property: Id(1)] string? Kind, [property: Id(2)] string? Json);
