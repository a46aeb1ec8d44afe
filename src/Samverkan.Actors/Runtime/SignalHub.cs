using Microsoft.Extensions.Logging;

namespace Samverkan.Actors.Runtime;

/// <summary>Dispatches signals from the listener to this node's subscribers.</summary>
internal sealed class SignalHub(ILogger logger) : IActorSignals
{
    private readonly Lock _gate = new();
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
