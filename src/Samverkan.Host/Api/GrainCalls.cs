using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Abstractions;

namespace Samverkan.Host.Api;

/// <summary>Calls a grain's command and maps its <see cref="CommandResult"/> to HTTP.</summary>
internal static class GrainCalls
{
    /// <summary>The Retry-After (seconds) of a 503 when a grain could not be reached or could not store its state.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>
    /// A refused command answers its problem; a grain that is unreachable (no silo yet, a silo lost mid-call, a call
    /// that timed out) or whose storage is down answers 503 with Retry-After: nothing was acknowledged, and the
    /// commands are idempotent, so the client sends the same again.
    /// </summary>
    public static async Task<(CommandResult? Result, ProblemHttpResult? Problem)> CommandAsync(Func<Task<CommandResult>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            var result = await call().ConfigureAwait(false);
            return result.Ok ? (result, null) : (result, ApiProblems.Refused(result));
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException or NpgsqlException)
        {
            return (null, Unavailable());
        }
    }

    public static async Task<Results<Ok<CommandResult>, ProblemHttpResult>> ResultAsync(HttpContext http, Func<Task<CommandResult>> call)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (result, problem) = await CommandAsync(call).ConfigureAwait(false);
        if (problem?.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return problem is null ? TypedResults.Ok(result!) : problem;
    }

    private static ProblemHttpResult Unavailable() =>
        TypedResults.Problem(
            title: "Temporarily unavailable",
            detail: "The command was not stored. Send it again after the number of seconds in Retry-After.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
