using Samverkan.Postgres;

namespace Samverkan.Host.Database;

/// <summary>
/// The <c>migrate</c> verb (<c>dotnet Samverkan.Host.dll migrate</c>): applies the migrations and exits without
/// starting the web server; for deployment jobs. Exit code 0 on success, 1 on failure.
/// </summary>
public static class MigrateCommand
{
    public const string Verb = "migrate";

    /// <summary>True when the first argument is the <c>migrate</c> verb.</summary>
    public static bool IsRequested(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Length > 0 && string.Equals(args[0], Verb, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The arguments for the host builder: without the verb.</summary>
    public static string[] HostArguments(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return IsRequested(args) ? args[1..] : args;
    }

    /// <summary>Applies every registered migration source, stops the private server if one was started, and returns the exit code.</summary>
    public static async Task<int> RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand));
        try
        {
            await DatabaseStartupService.MigrateAsync(app.Services, logger, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (PostgresNotFoundException)
        {
            throw;
        }
        catch (Exception exception) when (exception is InvalidOperationException or Npgsql.NpgsqlException or TimeoutException)
        {
            DatabaseLog.MigrationFailed(logger, exception);
            return 1;
        }
        finally
        {
            await app.Services.GetRequiredService<SamverkanDatabase>().StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
