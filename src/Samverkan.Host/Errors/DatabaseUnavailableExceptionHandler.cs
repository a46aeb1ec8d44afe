using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Samverkan.Host.Api;

namespace Samverkan.Host.Errors;

/// <summary>
/// A request that failed because PostgreSQL could not be reached (down, restarting, refusing connections, the pool timed
/// out) is answered 503 with <c>Retry-After</c>, whatever path it took: a query of our own, the audit log, a grain whose
/// storage failed. Nothing was stored, and the node recovers by itself once the database answers (Npgsql opens new
/// connections), so the client sends the same request again. Any other database error stays a 500: it is a bug, not an outage.
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    /// <summary>SQLSTATEs outside class 08 that mean "not now": admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.</summary>
    private static readonly HashSet<string> UnavailableStates = new(StringComparer.Ordinal)
    {
        PostgresErrorCodes.AdminShutdown,
        PostgresErrorCodes.CrashShutdown,
        PostgresErrorCodes.CannotConnectNow,
        PostgresErrorCodes.TooManyConnections,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The exception's type only: its message can name the server, and a wrapped one can quote the request.
        ErrorLog.DatabaseUnavailable(logger, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = GrainCalls.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = "The database could not be reached, so nothing was read or stored. Send the same request again after the number of seconds in Retry-After.",
                Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
            },
            Exception = exception,
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps (inner exceptions, every exception of an
    /// <see cref="AggregateException"/>, an Orleans storage or call exception around a provider's), says the database is
    /// unreachable: a transient <see cref="NpgsqlException"/> (connection refused or reset, a socket or pool timeout) or a
    /// <see cref="PostgresException"/> of class 08 (connection exception), 57P01–57P03 (shutting down, starting) or 53300.
    /// A <see cref="PostgresException"/> with any other SQLSTATE is the server's answer to the statement: not an outage.
    /// </summary>
    internal static bool IsDatabaseUnavailable(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 32; depth++, exception = exception.InnerException)
        {
            switch (exception)
            {
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsDatabaseUnavailable);
                case PostgresException postgres:
                    return IsUnavailableState(postgres.SqlState);
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }

    internal static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || UnavailableStates.Contains(sqlState);
}
