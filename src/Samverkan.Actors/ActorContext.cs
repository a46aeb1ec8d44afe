using Samverkan.Actors.Runtime;

namespace Samverkan.Actors;

/// <summary>The typed view a handler gets of the current message's context.</summary>
internal sealed class ActorContext<TState>(ActorContextCore core) : IActorContext<TState>
    where TState : class
{
    public ActorId Self => core.Activation.Id;

    public TState State
    {
        get => (TState)core.State;
        set => core.State = value;
    }

    public bool Exists => core.Activation.Exists;

    public DateTimeOffset Now => core.Now;

    public void Send(ActorId target, object message) => core.Send(target, message);

    public void SetTimer(string name, DateTimeOffset dueAt, object message) => core.SetTimer(name, dueAt, message);

    public void CancelTimer(string name) => core.CancelTimer(name);

    public void Project(object row) => core.Project(row);

    public void Publish(string topic, object payload) => core.Publish(topic, payload);

    public void DeleteState() => core.DeleteState();
}
