using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Sharing;

/// <summary>A consent record.</summary>
[JsonConverter(typeof(StringIdJsonConverter<ConsentId>))]
public readonly record struct ConsentId : IStringId<ConsentId>
{
    public ConsentId(string value) => Value = StringIds.Require(value, nameof(ConsentId));

    public string Value { get; }

    public static ConsentId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
