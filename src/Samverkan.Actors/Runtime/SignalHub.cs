using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// Dispatches signals to this node's subscribers: those committed on other nodes as the listener hears them, and
/// those committed here at once, in commit order, without the round trip through PostgreSQL (the listener skips
/// this node's own notifications).
/// </summary>
internal sealed class SignalHub(ILogger logger, ActorRuntimeServices services) : IActorSignals
{
    private readonly Lock _gate = new();
    private readonly Channel<string> _local = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private Subscription[] _subscriptions = [];

    public event Action? Reconnected;

    public IDisposable Subscribe(string topicPrefix, Action<ActorSignal> onSignal)
    {
        ArgumentNullException.ThrowIfNull(topicPrefix);
        ArgumentNullException.ThrowIfNull(onSignal);
        var subscription = new Subscription(this, topicPrefix, onSignal);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    public void Publish(string topic, object payload) => PublishText(SignalText.Format(topic, payload, services.Registry));

    /// <summary>A signal already formatted (<see cref="SignalText"/>): this node's subscribers, then the other nodes.</summary>
    public void PublishText(string text)
    {
        DispatchLocal(text);
        services.Notifier.Send(NotificationListener.SignalsChannel, text);
    }

    public void Dispatch(string text)
    {
        var separator = text.IndexOf('\n', StringComparison.Ordinal);
        if (separator < 0)
        {
            return;
        }

        var signal = new ActorSignal(text[..separator], text[(separator + 1)..]);
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!signal.Topic.StartsWith(subscription.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                subscription.Handler(signal);
            }
            catch (Exception exception)
            {
                ActorLog.SubscriberFailed(logger, exception);
            }
        }
    }

    /// <summary>A signal committed on this node: dispatched by <see cref="RunLocalAsync"/>, off the committing thread.</summary>
    public void DispatchLocal(string text) => _local.Writer.TryWrite(text);

    /// <summary>Dispatches this node's own signals in the order they were committed, until <see cref="CompleteLocal"/>.</summary>
    public async Task RunLocalAsync()
    {
        await foreach (var text in _local.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Dispatch(text);
        }
    }

    public void CompleteLocal() => _local.Writer.TryComplete();

    public void RaiseReconnected()
    {
        try
        {
            Reconnected?.Invoke();
        }
        catch (Exception exception)
        {
            ActorLog.SubscriberFailed(logger, exception);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    private sealed class Subscription(SignalHub hub, string prefix, Action<ActorSignal> handler) : IDisposable
    {
        public string Prefix { get; } = prefix;

        public Action<ActorSignal> Handler { get; } = handler;

        public void Dispose() => hub.Remove(this);
    }
}
