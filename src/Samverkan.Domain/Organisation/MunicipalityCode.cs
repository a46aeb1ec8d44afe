using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Organisation;

/// <summary>A municipality's code (kommunkod, e.g. "2081" for Borlänge): the tenant boundary.</summary>
[JsonConverter(typeof(StringIdJsonConverter<MunicipalityCode>))]
public readonly record struct MunicipalityCode : IStringId<MunicipalityCode>
{
    public MunicipalityCode(string value) => Value = StringIds.Require(value, nameof(MunicipalityCode));

    public string Value { get; }

    public static MunicipalityCode FromString(string value) => new(value);

    public override string ToString() => Value ?? string.Empty;
}
