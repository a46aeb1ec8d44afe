using Samverkan.Abstractions.Organisation;
using Samverkan.Domain.Organisation;

namespace Samverkan.Abstractions;

/// <summary>How callers address grains: by the domain's ids, never by a key built by hand.</summary>
public static class Grains
{
    public static IMunicipalityGrain Municipality(this IGrainFactory grains, MunicipalityCode code)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IMunicipalityGrain>(code.Value);
    }

    public static ISchoolGrain School(this IGrainFactory grains, SchoolId id)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<ISchoolGrain>(id.Value);
    }
}
