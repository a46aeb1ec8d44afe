using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Rules;

/// <summary>A rule definition (stable across versions of a rule set).</summary>
[JsonConverter(typeof(StringIdJsonConverter<RuleId>))]
public readonly record struct RuleId : IStringId<RuleId>
{
    public RuleId(string value) => Value = StringIds.Require(value, nameof(RuleId));

    public string Value { get; }

    public static RuleId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
