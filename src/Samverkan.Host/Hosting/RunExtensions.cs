using Samverkan.Host.Database;
using Samverkan.Postgres;

namespace Samverkan.Host.Hosting;

public static class RunExtensions
{
    /// <summary>Exit code when PostgreSQL is neither configured nor installed.</summary>
    public const int PostgresMissingExitCode = 3;

    /// <summary>Runs the web host until SIGTERM or Ctrl+C; a missing PostgreSQL ends it with instructions, not a stack trace.</summary>
    public static async Task<int> RunSamverkanAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception exception) when (FindPostgresNotFound(exception) is { } notFound)
        {
            await Console.Error.WriteLineAsync(notFound.Message).ConfigureAwait(false);
            return PostgresMissingExitCode;
        }
    }

    /// <summary>The <c>migrate</c> verb: applies migrations and exits.</summary>
    public static async Task<int> RunMigrateCommandAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            return await MigrateCommand.RunAsync(app).ConfigureAwait(false);
        }
        catch (Exception exception) when (FindPostgresNotFound(exception) is { } notFound)
        {
            await Console.Error.WriteLineAsync(notFound.Message).ConfigureAwait(false);
            return PostgresMissingExitCode;
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PostgresNotFoundException? FindPostgresNotFound(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is PostgresNotFoundException notFound)
            {
                return notFound;
            }

            if (exception is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(FindPostgresNotFound).FirstOrDefault(e => e is not null);
            }
        }

        return null;
    }
}
