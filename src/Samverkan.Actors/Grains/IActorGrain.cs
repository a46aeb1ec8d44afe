namespace Samverkan.Actors.Grains;

/// <summary>
/// An actor hosted as an Orleans grain (<see cref="ActorGrain"/>): the grain type is the actor type name, the key the
/// actor key. Callers and other actors hand it messages as envelopes.
/// </summary>
[Alias("samverkan.actor")]
public interface IActorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Handles one message and answers once its effects are stored: the state, the outbox of messages to other actors,
    /// the timers and the read-model rows. A repeated <see cref="ActorEnvelope.EffectId"/> or
    /// <see cref="ActorEnvelope.CommandId"/> is not handled again.
    /// </summary>
    [Alias("deliver")]
    Task<ActorGrainReply> DeliverAsync(ActorEnvelope envelope);

    /// <summary>Fires the timers that are due by the service's clock and retries undelivered messages.</summary>
    [Alias("tick")]
    Task TickAsync();
}

/// <summary>A message for an actor grain, as the registry serializes it.</summary>
/// <param name="Kind">The message kind (<see cref="ActorMessageAttribute"/>).</param>
/// <param name="Payload">The message as JSON.</param>
/// <param name="EffectId">Set by a sending actor: the same on every redelivery; the receiver handles it once.</param>
/// <param name="CommandId">Set by a caller (an API idempotency key): a repeat gets the stored reply.</param>
/// <param name="TraceParent">The W3C trace context of the caller, for the trace across actors.</param>
[GenerateSerializer, Immutable, Alias("samverkan.actor-envelope.v1")]
public sealed record ActorEnvelope(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Payload,
    [property: Id(2)] string? EffectId = null,
    [property: Id(3)] string? CommandId = null,
    [property: Id(4)] string? TraceParent = null);

/// <summary>An actor grain's answer: the handler's reply (kind and JSON, null for none), or that it was a repeat.</summary>
[GenerateSerializer, Immutable, Alias("samverkan.actor-reply.v1")]
public sealed record ActorGrainReply(
    [property: Id(0)] string? Kind,
    [property: Id(1)] string? Json,
    [property: Id(2)] bool Repeated)
{
    public static ActorGrainReply None { get; } = new(null, null, false);
}
