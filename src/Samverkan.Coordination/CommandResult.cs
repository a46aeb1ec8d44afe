using System.Collections.Immutable;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination;

/// <summary>The reply of a command to an actor: done, or refused with a stable code and field errors.</summary>
public sealed record CommandResult(bool Ok, string? Code = null, string? Message = null)
{
    public static CommandResult Done { get; } = new(true);

    public ImmutableArray<FieldError> Errors { get; init; } = [];

    /// <summary>An id the command created (a concern, a case …), when it did.</summary>
    public string? Id { get; init; }

    public static CommandResult Refused(DecisionError error) => new(false, error.Code, error.Message) { Errors = error.Fields };

    public static CommandResult Refused(string code, string message, ImmutableArray<FieldError> errors = default) =>
        new(false, code, message) { Errors = errors.IsDefault ? [] : errors };
}
