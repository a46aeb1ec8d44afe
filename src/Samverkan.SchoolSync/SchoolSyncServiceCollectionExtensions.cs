using Microsoft.Extensions.DependencyInjection;
using Samverkan.Postgres;
using Samverkan.SchoolSync.Ss12000;

namespace Samverkan.SchoolSync;

public static class SchoolSyncServiceCollectionExtensions
{
    /// <summary>
    /// The SS 12000 connector: options (<c>Samverkan:SchoolSync</c>), its tables, the client, the engine and the per-source
    /// grains' scheduler. The host adds its <see cref="ISchoolDataSink"/> and the Orleans silo.
    /// </summary>
    public static IServiceCollection AddSchoolSync(this IServiceCollection services)
    {
        services.AddOptions<SchoolSyncOptions>().BindConfiguration(SchoolSyncOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Sources.All(s => s.IsValid()), "Every Samverkan:SchoolSync:Sources entry needs a name, municipality, organisation, base URL, the token URL, client id and secret or a client certificate, and at least one school unit.")
            .Validate(o => o.Sources.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() == o.Sources.Count, "SS 12000 source names must be unique.")
            .ValidateOnStart();
        services.AddMigrationSource("school-sync", typeof(SchoolSyncEngine).Assembly);
        services.AddHttpClient(Ss12000TokenCache.HttpClientName);
        services.AddSingleton<Ss12000Transport>();
        services.AddSingleton(sp => new Ss12000TokenCache(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<Ss12000Transport>(), TimeProvider.System));
        services.AddSingleton<SchoolSyncSources>();
        services.AddHttpClient<Ss12000Client>();
        services.AddSingleton<SchoolSyncStore>();
        services.AddTransient<SchoolSyncEngine>();
        services.AddHostedService<SchoolSyncScheduler>();
        return services;
    }
}
