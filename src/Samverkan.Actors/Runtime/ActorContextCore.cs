using System.Collections.Frozen;
using Samverkan.Actors.Projections;

namespace Samverkan.Actors.Runtime;

/// <summary>The untyped context of the message being handled; reused across the messages of one grain.</summary>
internal sealed class ActorContextCore(ActorRegistry registry, FrozenDictionary<Type, IProjector> projectors)
{
    private Activation? _activation;
    private HandlerEffects? _effects;
    private ActorBase? _actor;

    public ActorRegistry Registry { get; } = registry;

    public Activation Activation => _activation ?? throw new InvalidOperationException("No message is being handled.");

    public HandlerEffects Effects => _effects ?? throw new InvalidOperationException("No message is being handled.");

    public DateTimeOffset Now { get; private set; }

    public void Begin(ActorBase actor, Activation activation, HandlerEffects effects, DateTimeOffset now)
    {
        _actor = actor;
        _activation = activation;
        _effects = effects;
        Now = now;
    }

    public void End()
    {
        _actor = null;
        _activation = null;
        _effects = null;
    }

    public object State
    {
        get => Activation.State;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Activation.State = value;
            Activation.Dirty = true;
            Activation.Deleted = false;
        }
    }

    public void Send(ActorId target, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Effects.Outgoing.Add(new OutgoingMessage(target, Registry.GetKind(message.GetType()), Registry.Serialize(message)));
    }

    public void SetTimer(string name, DateTimeOffset dueAt, object message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(message);
        Effects.Timers[name] = new TimerChange(dueAt.ToUniversalTime(), Registry.GetKind(message.GetType()), Registry.Serialize(message));
    }

    public void CancelTimer(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Effects.Timers[name] = new TimerChange(default, null, null);
    }

    public void Project(object row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!projectors.ContainsKey(row.GetType()))
        {
            throw new InvalidOperationException($"No projector is registered for rows of type {row.GetType().Name}.");
        }

        Effects.Rows.Add(row);
    }

    public void Publish(string topic, object payload) => Effects.Signals.Add(SignalText.Format(topic, payload, Registry));

    public void DeleteState()
    {
        var activation = Activation;
        activation.Deleted = true;
        activation.Dirty = false;
        activation.State = _actor!.CreateInitialStateObject(activation.Id.Key);
        Effects.Timers.Clear();
    }
}
