using Samverkan.SchoolSync;

namespace Samverkan.Host.SchoolSync;

/// <summary>The SS 12000 pull connector (docs/school-sync.md): sources from <c>Samverkan:SchoolSync:Sources</c>, a grain per source.</summary>
public static class SchoolSyncExtensions
{
    public static IHostApplicationBuilder AddSamverkanSchoolSync(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSchoolSync();
        builder.Services.AddSingleton<ISchoolDataSink, SchoolDataSink>();
        return builder;
    }
}
