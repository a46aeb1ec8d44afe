using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Samverkan.Actors;

/// <summary>
/// The actor types and message kinds a node knows. Built once at start; read concurrently.
/// </summary>
internal sealed class ActorRegistry
{
    private readonly FrozenDictionary<string, ActorBase> _actors;
    private readonly FrozenDictionary<string, Type> _messageTypes;
    private readonly FrozenDictionary<Type, string> _messageKinds;

    public ActorRegistry(IEnumerable<ActorBase> actors, JsonSerializerOptions jsonOptions)
    {
        ArgumentNullException.ThrowIfNull(actors);
        JsonOptions = jsonOptions;
        var byName = new Dictionary<string, ActorBase>(StringComparer.Ordinal);
        var kinds = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var actor in actors)
        {
            if (!byName.TryAdd(actor.TypeName, actor))
            {
                throw new InvalidOperationException($"Actor type name '{actor.TypeName}' is registered twice.");
            }

            foreach (var type in actor.MessageTypes)
            {
                var kind = KindOf(type);
                if (kinds.TryGetValue(kind, out var existing) && existing != type)
                {
                    throw new InvalidOperationException($"Message kind '{kind}' names both {existing} and {type}.");
                }

                kinds[kind] = type;
            }
        }

        _actors = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _messageTypes = kinds.ToFrozenDictionary(StringComparer.Ordinal);
        _messageKinds = kinds.ToFrozenDictionary(p => p.Value, p => p.Key);
    }

    public JsonSerializerOptions JsonOptions { get; }

    public IEnumerable<ActorBase> Actors => _actors.Values;

    public static string KindOf(Type messageType) =>
        messageType.GetCustomAttribute<ActorMessageAttribute>()?.Kind
        ?? throw new InvalidOperationException($"{messageType} has no [ActorMessage(\"kind\")] attribute.");

    public bool TryGetActor(string typeName, out ActorBase actor) => _actors.TryGetValue(typeName, out actor!);

    public ActorBase GetActor(string typeName) =>
        _actors.TryGetValue(typeName, out var actor)
            ? actor
            : throw new InvalidOperationException($"Unknown actor type '{typeName}'.");

    public string GetKind(Type messageType) =>
        _messageKinds.TryGetValue(messageType, out var kind)
            ? kind
            : throw new InvalidOperationException($"{messageType} is not handled by any registered actor.");

    public object Deserialize(string kind, string payload)
    {
        if (!_messageTypes.TryGetValue(kind, out var type))
        {
            throw new InvalidOperationException($"Unknown message kind '{kind}'.");
        }

        return JsonSerializer.Deserialize(payload, type, JsonOptions)
            ?? throw new InvalidOperationException($"Message of kind '{kind}' deserialized to null.");
    }

    public string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), JsonOptions);

    /// <summary>
    /// Builds the serializer's metadata of every state and message type, and of the types they hold, so that the first
    /// message of a kind after a node starts does not pay for it (reflection, and emitting and compiling accessors:
    /// tens of milliseconds for a large state). Returns how many types were prepared.
    /// </summary>
    public int PrepareSerializers()
    {
        var seen = new HashSet<Type>();
        foreach (var actor in _actors.Values)
        {
            Prepare(actor.StateType, seen);
            foreach (var type in actor.MessageTypes)
            {
                Prepare(type, seen);
            }

            // A round trip of an initial state also compiles the converters of its shape (best effort: an actor may
            // refuse a key of another form).
            try
            {
                var initial = actor.CreateInitialStateObject("c_preparepreparepreparep");
                JsonSerializer.Deserialize(JsonSerializer.Serialize(initial, actor.StateType, JsonOptions), actor.StateType, JsonOptions);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or JsonException or NotSupportedException)
            {
                // Prepared by the metadata above only.
            }
        }

        return seen.Count;
    }

    private void Prepare(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }

        JsonTypeInfo info;
        try
        {
            info = JsonOptions.GetTypeInfo(type);
        }
        catch (NotSupportedException)
        {
            return; // Not serializable on its own (it fails, clearly, where it is used).
        }

        foreach (var property in info.Properties)
        {
            Prepare(property.PropertyType, seen);
        }

        if (info.ElementType is { } element)
        {
            Prepare(element, seen);
        }

        if (info.KeyType is { } key)
        {
            Prepare(key, seen);
        }
    }
}
