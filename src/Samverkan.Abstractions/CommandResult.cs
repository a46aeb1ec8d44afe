using System.Collections.Immutable;
using Samverkan.Domain.Common;

namespace Samverkan.Abstractions;

/// <summary>The reply of a command to a grain or actor: done, or refused with a stable code and field errors.</summary>
[GenerateSerializer, Immutable, Alias("command-result.v1")]
public sealed record CommandResult([property: Id(0)] bool Ok, [property: Id(1)] string? Code = null, [property: Id(2)] string? Message = null)
{
    public static CommandResult Done { get; } = new(true);

    [Id(3)]
    public ImmutableArray<FieldError> Errors { get; init; } = [];

    /// <summary>An id the command created (a concern, a case …), when it did.</summary>
    [Id(4)]
    public string? Id { get; init; }

    public static CommandResult Refused(DecisionError error) => new(false, error.Code, error.Message) { Errors = error.Fields };

    public static CommandResult Refused(string code, string message, ImmutableArray<FieldError> errors = default) =>
        new(false, code, message) { Errors = errors.IsDefault ? [] : errors };
}
