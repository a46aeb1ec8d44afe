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
            .Validate(o => o.Sources.All(Valid), "Every Samverkan:SchoolSync:Sources entry needs a name, municipality, organisation, base and token URLs, client id and secret, and at least one school unit.")
            .Validate(o => o.Sources.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() == o.Sources.Count, "SS 12000 source names must be unique.")
            .ValidateOnStart();
        services.AddMigrationSource("school-sync", typeof(SchoolSyncEngine).Assembly);
        services.AddHttpClient(Ss12000TokenCache.HttpClientName);
        services.AddSingleton(sp => new Ss12000TokenCache(sp.GetRequiredService<IHttpClientFactory>(), TimeProvider.System));
        services.AddHttpClient<Ss12000Client>();
        services.AddSingleton<SchoolSyncStore>();
        services.AddTransient<SchoolSyncEngine>();
        services.AddHostedService<SchoolSyncScheduler>();
        return services;
    }

    private static bool Valid(SchoolSyncSource s) =>
        System.Text.RegularExpressions.Regex.IsMatch(s.Name, "^[a-z0-9][a-z0-9-]{0,62}$")
        && SchoolSyncMapping.IsId(s.Municipality) && SchoolSyncMapping.IsId(s.Organisation)
        && s.BaseUrl is { IsAbsoluteUri: true } && s.TokenUrl is { IsAbsoluteUri: true }
        && s.ClientId.Length > 0 && s.ClientSecret.Length > 0
        && s.SchoolUnits.Count > 0 && s.SchoolUnits.All(SchoolSyncMapping.IsId);
}
