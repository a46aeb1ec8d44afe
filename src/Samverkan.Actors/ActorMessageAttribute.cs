namespace Samverkan.Actors;

/// <summary>
/// Names a message type as it is persisted in mailboxes and timers. The name is a contract:
/// renaming the CLR type is free, changing this name needs a migration.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ActorMessageAttribute(string kind) : Attribute
{
    public string Kind { get; } = kind;
}
