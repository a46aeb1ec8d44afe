using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Samverkan.Host.Errors;

/// <summary>Turns request errors (bad JSON, too large, wrong content type) into 4xx problem details instead of 500.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem is null)
        {
            return false;
        }

        ErrorLog.BadRequest(logger, problem.Status ?? StatusCodes.Status400BadRequest, problem.Title ?? string.Empty);
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    /// <summary>A fixed description per kind of error: the exception's own text may quote the request.</summary>
    internal static ProblemDetails? Describe(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType } bad => Problem(bad.StatusCode),
        // Only a body the binder could not read: a JsonException thrown by our own code or a grain is a bug (500), not the client's.
        BadHttpRequestException { InnerException: JsonException } => Problem(
            StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON of the expected shape."),
        BadHttpRequestException bad => Problem(
            bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest,
            "Bad request",
            "The request could not be read: check the route, query and body against the OpenAPI description."),
        _ => null,
    };

    /// <summary>
    /// Gives a 413 or 415 <paramref name="problem"/> the one fixed description of its status, however it arose: thrown
    /// while binding (above) or answered as a bare status code (routing answers 415 itself when the Content-Type is not
    /// one the endpoint accepts, and the status-code pages then write the problem).
    /// </summary>
    internal static void Describe(ProblemDetails problem)
    {
        if (problem.Status is { } status && Problem(status) is { } fixedProblem)
        {
            problem.Type = fixedProblem.Type;
            problem.Title = fixedProblem.Title;
            problem.Detail = fixedProblem.Detail;
        }
    }

    /// <summary>The fixed problem of a request-level status that has one (413, 415); otherwise null.</summary>
    private static ProblemDetails? Problem(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => Problem(status, "Request body too large", "The request body is larger than this endpoint accepts."),
        StatusCodes.Status415UnsupportedMediaType => Problem(status, "Unsupported media type", "Send the request body as application/json."),
        _ => null,
    };

    private static ProblemDetails Problem(int status, string title, string detail) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5." + (status switch
        {
            StatusCodes.Status413PayloadTooLarge => "14",
            StatusCodes.Status415UnsupportedMediaType => "16",
            _ => "1",
        }),
    };
}
