using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Cases;

/// <summary>A joint case (samverkansärende).</summary>
[JsonConverter(typeof(StringIdJsonConverter<CaseId>))]
public readonly record struct CaseId : IStringId<CaseId>
{
    public CaseId(string value) => Value = StringIds.Require(value, nameof(CaseId));

    public string Value { get; }

    public static CaseId FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
