using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Organisation;

/// <summary>A school unit (skolenhet) or preschool.</summary>
[JsonConverter(typeof(StringIdJsonConverter<SchoolId>))]
public readonly record struct SchoolId : IStringId<SchoolId>
{
    public SchoolId(string value) => Value = StringIds.Require(value, nameof(SchoolId));

    public string Value { get; }

    public static SchoolId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
