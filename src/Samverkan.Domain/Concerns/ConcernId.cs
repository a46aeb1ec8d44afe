using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Concerns;

/// <summary>A report of concern (orosanmälan).</summary>
[JsonConverter(typeof(StringIdJsonConverter<ConcernId>))]
public readonly record struct ConcernId : IStringId<ConcernId>
{
    public ConcernId(string value) => Value = StringIds.Require(value, nameof(ConcernId));

    public string Value { get; }

    public static ConcernId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
