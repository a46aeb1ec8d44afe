using System.Text.Json;

namespace Samverkan.Actors;

/// <summary>
/// Notifications that actors publish, delivered on every node after the write that produced them.
/// Best effort: after <see cref="Reconnected"/>, or when a client reconnects, re-read the durable rows.
/// </summary>
public interface IActorSignals
{
    /// <summary>Calls <paramref name="onSignal"/> for every signal whose topic starts with <paramref name="topicPrefix"/>.
    /// The callback runs on the dispatcher's thread: keep it short and non-blocking.</summary>
    IDisposable Subscribe(string topicPrefix, Action<ActorSignal> onSignal);

    /// <summary>Raised after the listener (re)connected: signals may have been missed in between.</summary>
    event Action? Reconnected;

    /// <summary>
    /// Publishes a signal on every node: this node's subscribers get it in order, other nodes through PostgreSQL.
    /// Best effort, as every signal.
    /// </summary>
    void Publish(string topic, object payload);
}

/// <summary>A published notification: its topic and JSON payload.</summary>
public sealed record ActorSignal(string Topic, string Payload)
{
    private static readonly JsonSerializerOptions DefaultOptions = ActorJson.CreateDefaultOptions();

    public T? PayloadAs<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Payload, options ?? DefaultOptions);
}
