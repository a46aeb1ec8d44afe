using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Sharing;

/// <summary>
/// A recorded decision not to share information about the child with some organisations (no consent, no legal basis,
/// or sharing would harm the child): what was not shared, with whom, why, when and by whom. The record is the
/// evidence that the question was considered; it never opens access.
/// </summary>
public sealed record DecisionNotToShare
{
    public const int MaxReasonLength = 2000;

    public required string Id { get; init; }

    public ImmutableArray<OrganisationId> Recipients { get; init; } = [];

    public ImmutableArray<InformationCategory> Categories { get; init; } = [];

    public required string Reason { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    public StaffId? DecidedBy { get; init; }

    /// <summary>Problems with the record; empty when it is valid.</summary>
    public ImmutableArray<FieldError> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (!StringIds.IsValid(Id))
        {
            errors.Add(new FieldError("id", "Invalid", "The id is not valid."));
        }

        if (Recipients.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("recipients", "Required", "At least one organisation that is not given the information is required."));
        }

        if (Categories.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("categories", "Required", "At least one category of information is required."));
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            errors.Add(new FieldError("reason", "Required", "A decision not to share needs its reason."));
        }
        else if (Reason.Length > MaxReasonLength)
        {
            errors.Add(new FieldError("reason", "TooLong", $"The reason has at most {MaxReasonLength} characters."));
        }

        return errors.ToImmutable();
    }
}
