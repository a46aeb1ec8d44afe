using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Abstractions;
using Samverkan.Actors;

namespace Samverkan.Host.Api;

/// <summary>Asks an actor a command and maps its <see cref="CommandResult"/> to HTTP.</summary>
internal static class ActorCalls
{
    public static async Task<(CommandResult? Result, ProblemHttpResult? Problem)> CommandAsync(
        IActorClient actors, ActorId target, object command, string? idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            var result = await actors.AskAsync<CommandResult>(target, command, idempotencyKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return result is null ? (null, ApiProblems.Busy())
                : result.Ok ? (result, null)
                : (result, ApiProblems.Refused(result));
        }
        catch (ActorTimeoutException)
        {
            return (null, ApiProblems.Busy());
        }
    }

    /// <summary>The client's idempotency key, scoped to the caller and the command so keys of different callers never meet.</summary>
    public static string? IdempotencyKey(HttpContext context, string scope)
    {
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        return key.Length is > 0 and <= 128 ? $"{scope}:{context.User.Identity?.Name}:{key}" : null;
    }
}
