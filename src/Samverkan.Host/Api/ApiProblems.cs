using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Abstractions;
using Samverkan.Domain.Common;

namespace Samverkan.Host.Api;

/// <summary>One problem with one item of a request (batch items carry their index and source id).</summary>
public sealed record ItemError(int? Index, string? SourceId, string Field, string Code, string Message);

/// <summary>RFC 9457 problem details for the API's refusals.</summary>
public static class ApiProblems
{
    /// <summary>422: the request is well-formed but some items are not acceptable; nothing was stored.</summary>
    public static ProblemHttpResult InvalidItems(IReadOnlyCollection<ItemError> errors) =>
        TypedResults.Problem(
            title: "Some items are not valid",
            detail: $"{errors.Select(e => e.Index).Distinct().Count()} item(s) were refused. Nothing was stored: correct them and send the request again.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ProblemHttpResult Invalid(IEnumerable<FieldError> errors, string title = "The request is not valid") =>
        TypedResults.Problem(
            title: title,
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new ItemError(null, null, e.Field, e.Code, e.Message)).ToList() });

    /// <summary>
    /// 422: more items in <paramref name="field"/> than a request may carry. A count, not a size: 413 is for bodies
    /// over the byte limit, which an endpoint sizes so that the largest allowed count fits.
    /// </summary>
    public static ProblemHttpResult TooMany(string field, string what, int max) =>
        TypedResults.Problem(
            title: "Too many items",
            detail: $"A request carries at most {max} {what}; split the batch.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["errors"] = new[] { new ItemError(null, null, field, "TooMany", $"At most {max} {what} per request.") } });

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: $"No such {what}", statusCode: StatusCodes.Status404NotFound);

    /// <summary>Maps an actor's refusal: missing things are 404, state conflicts 409, bad input 422.</summary>
    public static ProblemHttpResult Refused(CommandResult result)
    {
        var status = result.Code switch
        {
            { } code when code.EndsWith("NotFound", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
            "CaseClosed" or "TransitionNotAllowed" or "OutcomeAlreadyRecorded" or "ConcernExists" or "ConsentExists" or "CaseAlreadyExists" or "DecisionExists"
                => StatusCodes.Status409Conflict,
            "MeetingAlreadyHeld" or "NoFollowUpDue" => StatusCodes.Status409Conflict,
            "NotParticipant" or "NotActionOwner" or "NotSocialServices" => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return TypedResults.Problem(
            title: result.Message ?? "The request was refused",
            statusCode: status,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = result.Code,
                ["errors"] = result.Errors.Select(e => new ItemError(null, null, e.Field, e.Code, e.Message)).ToList(),
            });
    }

    /// <summary>503: the actor did not answer in time. The command is stored and will be processed; retry with the same key.</summary>
    public static ProblemHttpResult Busy() =>
        TypedResults.Problem(
            title: "Not answered in time",
            detail: "The command is stored and will be processed. Retry with the same Idempotency-Key to get its outcome.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
