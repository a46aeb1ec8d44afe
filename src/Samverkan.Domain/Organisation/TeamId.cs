using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Organisation;

/// <summary>A team of any agency (student-health team, social-services unit, BVC, BUP, ...).</summary>
[JsonConverter(typeof(StringIdJsonConverter<TeamId>))]
public readonly record struct TeamId : IStringId<TeamId>
{
    public TeamId(string value) => Value = StringIds.Require(value, nameof(TeamId));

    public string Value { get; }

    public static TeamId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
