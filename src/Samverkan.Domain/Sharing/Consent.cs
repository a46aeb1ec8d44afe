using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Sharing;

/// <summary>
/// A consent (samtycke) to share information about the child: given by whom, to which organisations,
/// for which categories and purpose, valid from (inclusive) to (exclusive), and withdrawable at any time.
/// Withdrawal is not retroactive: sharing before <see cref="WithdrawnAt"/> was lawful.
/// </summary>
public sealed record Consent
{
    public required ConsentId Id { get; init; }

    public ImmutableArray<ConsentGiver> GivenBy { get; init; } = [];

    public ImmutableArray<OrganisationId> Recipients { get; init; } = [];

    public ImmutableArray<InformationCategory> Categories { get; init; } = [];

    public required string Purpose { get; init; }

    public required DateTimeOffset ValidFrom { get; init; }

    /// <summary>The end of validity (exclusive); null means until withdrawn.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    public DateTimeOffset? WithdrawnAt { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }

    public StaffId? RecordedBy { get; init; }

    /// <summary>True when the consent is in force at <paramref name="at"/>.</summary>
    public bool IsInForceAt(DateTimeOffset at) =>
        at >= ValidFrom && (ValidTo is null || at < ValidTo) && (WithdrawnAt is null || at < WithdrawnAt);

    /// <summary>True when <paramref name="recipient"/> may receive <paramref name="category"/> at <paramref name="at"/> under this consent.</summary>
    public bool IsValidFor(OrganisationId recipient, InformationCategory category, DateTimeOffset at) =>
        IsInForceAt(at) && Recipients.Contains(recipient) && Categories.Contains(category);

    /// <summary>Problems with the consent record; empty when it is valid.</summary>
    public ImmutableArray<FieldError> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (GivenBy.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("givenBy", "Required", "Who gave the consent is required."));
        }
        else if (GivenBy.Any(g => g.Kind == ConsentGiverKind.Guardian && g.Guardian is null))
        {
            errors.Add(new FieldError("givenBy", "GuardianRequired", "A guardian's consent must reference the guardian."));
        }

        if (Recipients.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("recipients", "Required", "At least one recipient organisation is required."));
        }

        if (Categories.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("categories", "Required", "At least one category of information is required."));
        }

        if (string.IsNullOrWhiteSpace(Purpose))
        {
            errors.Add(new FieldError("purpose", "Required", "The purpose is required."));
        }

        if (ValidTo is { } to && to <= ValidFrom)
        {
            errors.Add(new FieldError("validTo", "BeforeValidFrom", "validTo must be after validFrom."));
        }

        return errors.ToImmutable();
    }
}
