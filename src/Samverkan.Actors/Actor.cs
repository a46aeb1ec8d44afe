using Samverkan.Actors.Runtime;
using System.Text.Json;

namespace Samverkan.Actors;

/// <summary>
/// The runtime's untyped view of an actor type. Derive from <see cref="Actor{TState}"/>, not from this.
/// </summary>
public abstract class ActorBase
{
    private protected ActorBase(string typeName, int stateVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        ArgumentOutOfRangeException.ThrowIfLessThan(stateVersion, 1);
        TypeName = typeName;
        StateVersion = stateVersion;
    }

    /// <summary>The persisted actor type name (a contract, like message kinds).</summary>
    public string TypeName { get; }

    /// <summary>The schema version of the state type.</summary>
    public int StateVersion { get; }

    internal abstract Type StateType { get; }

    internal abstract IEnumerable<Type> MessageTypes { get; }

    internal abstract object CreateInitialStateObject(string key);

    internal abstract object UpgradeStateObject(int fromVersion, JsonElement state);

    internal abstract object? Handle(object message, ActorContextCore context);
}

/// <summary>
/// Base class of an actor type. One instance per type serves every activation: it holds the handlers,
/// not the state. State lives in the activation and reaches the handlers through the context.
/// Handlers are synchronous on purpose: an actor decides; the runtime does the I/O.
/// </summary>
/// <typeparam name="TState">The persisted state, serialized with System.Text.Json. Prefer immutable records.</typeparam>
public abstract class Actor<TState> : ActorBase
    where TState : class
{
    private readonly Dictionary<Type, Func<object, IActorContext<TState>, object?>> _handlers = [];

    /// <param name="typeName">The persisted actor type name (a contract, like message kinds).</param>
    /// <param name="stateVersion">The schema version of <typeparamref name="TState"/>; raise it when the shape changes
    /// and read older versions in <see cref="UpgradeState"/>.</param>
    protected Actor(string typeName, int stateVersion = 1)
        : base(typeName, stateVersion)
    {
    }

    internal override Type StateType => typeof(TState);

    internal override IEnumerable<Type> MessageTypes => _handlers.Keys;

    /// <summary>The state of an actor that has never been persisted.</summary>
    protected abstract TState CreateInitialState(string key);

    /// <summary>Turns state persisted with an older <see cref="ActorBase.StateVersion"/> into the current shape.</summary>
    protected virtual TState UpgradeState(int fromVersion, JsonElement state) =>
        throw new NotSupportedException($"Actor type '{TypeName}' cannot read state version {fromVersion}.");

    /// <summary>Registers a handler for a message that needs no reply.</summary>
    protected void On<TMessage>(Action<TMessage, IActorContext<TState>> handler)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(typeof(TMessage), (message, context) =>
        {
            handler((TMessage)message, context);
            return null;
        });
    }

    /// <summary>Registers a handler whose return value is the reply to <see cref="IActorClient.AskAsync{TReply}"/>.</summary>
    protected void OnAsk<TMessage, TReply>(Func<TMessage, IActorContext<TState>, TReply> handler)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(typeof(TMessage), (message, context) => handler((TMessage)message, context));
    }

    internal override object CreateInitialStateObject(string key) => CreateInitialState(key);

    internal override object UpgradeStateObject(int fromVersion, JsonElement state) => UpgradeState(fromVersion, state);

    internal override object? Handle(object message, ActorContextCore context)
    {
        if (!_handlers.TryGetValue(message.GetType(), out var handler))
        {
            throw new InvalidOperationException($"Actor type '{TypeName}' has no handler for {message.GetType().Name}.");
        }

        return handler(message, new ActorContext<TState>(context));
    }
}
