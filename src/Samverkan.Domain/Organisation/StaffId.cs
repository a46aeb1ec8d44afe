using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Organisation;

/// <summary>A staff member (a person acting for an organisation).</summary>
[JsonConverter(typeof(StringIdJsonConverter<StaffId>))]
public readonly record struct StaffId : IStringId<StaffId>
{
    public StaffId(string value) => Value = StringIds.Require(value, nameof(StaffId));

    public string Value { get; }

    public static StaffId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
