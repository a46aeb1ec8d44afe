namespace Samverkan.Actors.Grains;

/// <summary>
/// <see cref="IActorClient"/> over actor grains: a send or an ask is one grain call, answered once the grain stored
/// the message's outcome. A deduplication key is the grain's command id: a repeat gets the stored reply.
/// </summary>
/// <remarks>
/// A batch is many calls, not one transaction: when one fails the call throws and the others may be stored. Every
/// message a batch carries is idempotent at its receiver (absence registrations by id and version), so sending the
/// batch again after a failure gives the same outcome; this is what the old runtime's all-or-none gave callers.
/// </remarks>
public sealed class GrainActorClient(IGrainFactory grains, ActorGrainServices services) : IActorClient
{
    public async Task<SendOutcome> SendAsync(ActorId target, object message, string? deduplicationKey = null, CancellationToken cancellationToken = default)
    {
        var reply = await CallAsync(target, message, deduplicationKey).ConfigureAwait(false);
        return reply.Repeated ? SendOutcome.Duplicate : SendOutcome.Accepted;
    }

    public async Task<IReadOnlyList<SendOutcome>> SendBatchAsync(IReadOnlyList<ActorMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // One call per target at a time keeps each actor's messages in order; targets in parallel.
        var outcomes = new SendOutcome[messages.Count];
        await Task.WhenAll(messages.Select((m, i) => (m, i)).GroupBy(x => x.m.Target).Select(async group =>
        {
            foreach (var (message, index) in group)
            {
                outcomes[index] = await SendAsync(message.Target, message.Message, message.DeduplicationKey, cancellationToken).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return outcomes;
    }

    public async Task<TReply?> AskAsync<TReply>(ActorId target, object message, string? deduplicationKey = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var call = CallAsync(target, message, deduplicationKey);
        ActorGrainReply reply;
        try
        {
            reply = timeout is { } limit ? await call.WaitAsync(limit, cancellationToken).ConfigureAwait(false) : await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new ActorTimeoutException($"The {target.Type} actor did not answer in time: {exception.Message}");
        }

        return reply.Json is null ? default : System.Text.Json.JsonSerializer.Deserialize<TReply>(reply.Json, services.Registry.JsonOptions);
    }

    private Task<ActorGrainReply> CallAsync(ActorId target, object message, string? commandId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var kind = services.Registry.GetKind(message.GetType());
        var grain = grains.GetGrain<IActorGrain>(GrainId.Create(target.Type, target.Key));
        return grain.DeliverAsync(new ActorEnvelope(kind, services.Registry.Serialize(message), CommandId: commandId, TraceParent: System.Diagnostics.Activity.Current?.Id));
    }
}
