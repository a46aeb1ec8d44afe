using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Organisation;

/// <summary>An organisation: a school organiser, a social-services administration, a health-care unit, a police district.</summary>
[JsonConverter(typeof(StringIdJsonConverter<OrganisationId>))]
public readonly record struct OrganisationId : IStringId<OrganisationId>
{
    public OrganisationId(string value) => Value = StringIds.Require(value, nameof(OrganisationId));

    public string Value { get; }

    public static OrganisationId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
