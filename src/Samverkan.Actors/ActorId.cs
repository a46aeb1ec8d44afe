namespace Samverkan.Actors;

/// <summary>
/// The identity of a virtual actor: its type name (as registered) and its key.
/// An actor exists conceptually for every id; it is activated on first use.
/// </summary>
public readonly record struct ActorId
{
    public ActorId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(key);
        Type = type;
        Key = key;
    }

    public string Type { get; }

    public string Key { get; }

    public override string ToString() => $"{Type}/{Key}";
}
