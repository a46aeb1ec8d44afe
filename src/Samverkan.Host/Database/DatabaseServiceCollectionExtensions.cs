using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Host.Database;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// The app's one <see cref="NpgsqlDataSource"/>, on <c>ConnectionStrings:Samverkan</c> or, when that is missing,
    /// on a private PostgreSQL server (<c>Samverkan:LocalPostgres</c>) started before anything uses the database and
    /// stopped after everything else when the host stops. Registered <see cref="MigrationSource"/>s are applied at
    /// start-up unless <c>Samverkan:Database:MigrateOnStart</c> is false.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanDatabase(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName).ValidateOnStart();
        services.AddOptions<LocalPostgresOptions>()
            .BindConfiguration("Samverkan:LocalPostgres")
            .Validate(o => o.Port is >= 0 and <= 65535, "Samverkan:LocalPostgres:Port must be 0 (any free port) or a TCP port.")
            .Validate(o => o.MaxConnections >= 10, "Samverkan:LocalPostgres:MaxConnections must be at least 10.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Database), "Samverkan:LocalPostgres:Database must be set.")
            .ValidateOnStart();

        services.TryAddSingleton<SamverkanDatabase>();
        services.TryAddSingleton(sp =>
        {
            // Resolved while the host resolves its hosted services, before any of them starts: the private server
            // (if any) starts here, so every consumer of the data source gets a working one.
            var connectionString = sp.GetRequiredService<SamverkanDatabase>()
                .GetConnectionStringAsync(CancellationToken.None).GetAwaiter().GetResult();
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            dataSourceBuilder.Name = "samverkan";
            return dataSourceBuilder.Build();
        });

        // Lifecycle hooks run around every hosted service's start and stop, whatever the registration order.
        services.AddHostedService<DatabaseStartupService>();
        return builder;
    }
}
