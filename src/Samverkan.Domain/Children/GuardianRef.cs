using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Children;

/// <summary>A reference to a guardian held in another system (never a name or a personal number in clear).</summary>
[JsonConverter(typeof(StringIdJsonConverter<GuardianRef>))]
public readonly record struct GuardianRef : IStringId<GuardianRef>
{
    public GuardianRef(string value) => Value = StringIds.Require(value, nameof(GuardianRef));

    public string Value { get; }

    public static GuardianRef FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
