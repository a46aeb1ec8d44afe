using Microsoft.AspNetCore.Components.Server.Circuits;
using Samverkan.Actors;
using Samverkan.Coordination;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// The live feed of one circuit: the actor runtime's signals after commit (the person's municipality's cases, the
/// person's alerts), the signal listener's reconnects and the circuit's own reconnects, all as one "re-read now"
/// notice. Pushes are best effort; pages always re-read the durable rows, so a missed signal costs only latency.
/// </summary>
public sealed class DashboardLive(IActorSignals signals) : IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _lock = new();
    private bool _started;

    /// <summary>
    /// Something the person may see has changed (the signal), or notices may have been missed (null): re-read.
    /// </summary>
    public event Action<ActorSignal?>? Changed;

    /// <summary>The circuit's connection went down (true) or came back (false).</summary>
    public event Action<bool>? ConnectionChanged;

    public bool Connected { get; private set; } = true;

    /// <summary>Starts listening for the person's topics (once per circuit).</summary>
    public void Start(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            var cases = CoordinationTopics.Cases + user.Caller.Municipality.Value;
            var alerts = CoordinationTopics.Alerts + user.Caller.Staff.Value;

            // Subscriptions are by prefix: keep only the exact topics (not cases/19990 for cases/1999).
            _subscriptions.Add(signals.Subscribe(cases, signal => Notify(signal, cases)));
            _subscriptions.Add(signals.Subscribe(alerts, signal => Notify(signal, alerts)));
            signals.Reconnected += OnSignalsReconnected;
        }
    }

    internal void OnConnection(bool up)
    {
        Connected = up;
        ConnectionChanged?.Invoke(!up);
        if (up)
        {
            Changed?.Invoke(null);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            signals.Reconnected -= OnSignalsReconnected;
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    private void OnSignalsReconnected() => Changed?.Invoke(null);

    private void Notify(ActorSignal signal, string topic)
    {
        if (string.Equals(signal.Topic, topic, StringComparison.Ordinal))
        {
            Changed?.Invoke(signal);
        }
    }
}

/// <summary>Tells the circuit's <see cref="DashboardLive"/> when its connection drops and returns, so pages catch up.</summary>
internal sealed class DashboardCircuitHandler(DashboardLive live) : CircuitHandler
{
    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        live.OnConnection(up: false);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        live.OnConnection(up: true);
        return Task.CompletedTask;
    }
}
