using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Samverkan.Postgres;

/// <summary>Registers the migrations a module owns; the host applies every registered source at start-up.</summary>
public static class MigrationServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="source"/> as a <see cref="MigrationSource"/> singleton (once per module).</summary>
    public static IServiceCollection AddMigrationSource(this IServiceCollection services, MigrationSource source)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(source.Module);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(MigrationSource) && descriptor.ImplementationInstance is MigrationSource existing
                && string.Equals(existing.Module, source.Module, StringComparison.Ordinal))
            {
                if (existing.Assembly != source.Assembly)
                {
                    throw new InvalidOperationException(
                        $"Migration module '{source.Module}' is already registered for assembly {existing.Assembly.GetName().Name}.");
                }

                return services;
            }
        }

        services.AddSingleton(source);
        return services;
    }

    /// <summary>Registers the migrations embedded in <paramref name="assembly"/> under <paramref name="module"/>.</summary>
    public static IServiceCollection AddMigrationSource(this IServiceCollection services, string module, Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        ArgumentNullException.ThrowIfNull(assembly);
        return services.AddMigrationSource(new MigrationSource(module, assembly));
    }
}
