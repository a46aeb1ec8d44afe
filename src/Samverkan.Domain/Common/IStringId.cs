namespace Samverkan.Domain.Common;

/// <summary>
/// A strongly typed identifier that is a non-empty string on the wire and in persisted state.
/// </summary>
public interface IStringId<TSelf>
    where TSelf : struct, IStringId<TSelf>
{
    /// <summary>The identifier as stored and exchanged.</summary>
    string Value { get; }

    /// <summary>Creates the identifier, throwing <see cref="ArgumentException"/> for an invalid value.</summary>
    static abstract TSelf FromString(string value);
}
