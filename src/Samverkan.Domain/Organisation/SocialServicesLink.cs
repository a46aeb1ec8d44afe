using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Organisation;

/// <summary>
/// The school's link to social services: the unit and its named contact persons (Falköping: two per
/// school). The first contact person is the primary one; they own the watches of the school's children.
/// </summary>
public sealed record SocialServicesLink
{
    /// <summary>The most contact persons a school has.</summary>
    public const int MaxContactPersons = 2;

    /// <summary>The social-services organisation (recipient of consents, owner of the disclosure).</summary>
    public required OrganisationId Organisation { get; init; }

    /// <summary>The social-services team the contact persons belong to.</summary>
    public TeamId? Team { get; init; }

    /// <summary>The named contact persons, primary first; at most <see cref="MaxContactPersons"/>.</summary>
    public ImmutableArray<StaffId> ContactPersons { get; init; } = [];

    /// <summary>The primary contact person, if any.</summary>
    [JsonIgnore]
    public StaffId? PrimaryContact => ContactPersons.IsDefaultOrEmpty ? null : ContactPersons[0];
}
