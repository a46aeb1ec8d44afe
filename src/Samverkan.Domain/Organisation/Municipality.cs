namespace Samverkan.Domain.Organisation;

/// <summary>A municipality (the tenant) within a health region.</summary>
/// <param name="Code">The municipality code (kommunkod).</param>
/// <param name="Name">The municipality's name.</param>
/// <param name="RegionCode">The county/region code (länskod), e.g. "20" for Region Dalarna.</param>
public sealed record Municipality(MunicipalityCode Code, string Name, string RegionCode);
