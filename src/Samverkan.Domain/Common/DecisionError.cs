using System.Collections.Immutable;

namespace Samverkan.Domain.Common;

/// <summary>Why a command was refused. The state is unchanged when a decision carries an error.</summary>
public sealed record DecisionError(string Code, string Message)
{
    /// <summary>Field-level details when the refusal is about input.</summary>
    public ImmutableArray<FieldError> Fields { get; init; } = [];
}
