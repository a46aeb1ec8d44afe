using System.Diagnostics;

namespace Samverkan.Actors.Runtime;

/// <summary>The untyped context of the message being handled; reused across the messages of a batch.</summary>
internal sealed class ActorContextCore(ActorRuntimeServices services)
{
    private Activation? _activation;
    private BatchEffects? _effects;
    private ActorBase? _actor;
    private int _partition;

    public ActorRuntimeServices Services { get; } = services;

    public Activation Activation => _activation ?? throw new InvalidOperationException("No message is being handled.");

    public BatchEffects Effects => _effects ?? throw new InvalidOperationException("No message is being handled.");

    public DateTimeOffset Now { get; private set; }

    public void Begin(ActorBase actor, Activation activation, BatchEffects effects, DateTimeOffset now)
    {
        _partition = activation.Partition;
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
            Effects.Touched.Add(Activation);
        }
    }

    public void Send(ActorId target, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var kind = Services.Registry.GetKind(message.GetType());
        var targetPartition = Partitioner.PartitionOf(target, Services.Options.PartitionCount);
        Effects.Outgoing.Add(new OutgoingMessage(
            targetPartition, target, kind, Services.Registry.Serialize(message), Activity.Current?.Id));
    }

    public void SetTimer(string name, DateTimeOffset dueAt, object message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(message);
        var kind = Services.Registry.GetKind(message.GetType());
        var self = Activation.Id;
        Effects.Timers[(self.Type, self.Key, name)] =
            new TimerChange(_partition, dueAt.ToUniversalTime(), kind, Services.Registry.Serialize(message));
    }

    public void CancelTimer(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var self = Activation.Id;
        Effects.Timers[(self.Type, self.Key, name)] = new TimerChange(_partition, default, null, null);
    }

    public void Project(object row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!Services.Projectors.ContainsKey(row.GetType()))
        {
            throw new InvalidOperationException($"No projector is registered for rows of type {row.GetType().Name}.");
        }

        Effects.Rows.Add(row);
    }

    public void Publish(string topic, object payload) => Effects.Signals.Add(SignalText.Format(topic, payload, Services.Registry));

    public void DeleteState()
    {
        var activation = Activation;
        activation.Deleted = true;
        activation.Dirty = false;
        activation.State = _actor!.CreateInitialStateObject(activation.Id.Key);
        Effects.Touched.Add(activation);
        foreach (var key in Effects.Timers.Keys.Where(k => k.Type == activation.Id.Type && k.Key == activation.Id.Key).ToList())
        {
            Effects.Timers.Remove(key);
        }
    }
}
