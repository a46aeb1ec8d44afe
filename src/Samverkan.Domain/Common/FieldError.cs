namespace Samverkan.Domain.Common;

/// <summary>
/// One problem with one input field. <see cref="Field"/> is the camelCase JSON name of the field,
/// so the host can return it as-is in a validation problem; <see cref="Code"/> is stable for clients.
/// </summary>
public sealed record FieldError(string Field, string Code, string Message);
