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
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(
            StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body is larger than this endpoint accepts."),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => Problem(
            StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the request body as application/json."),
        BadHttpRequestException { InnerException: JsonException } or JsonException => Problem(
            StatusCodes.Status400BadRequest, "Malformed JSON", "The request body is not valid JSON of the expected shape."),
        BadHttpRequestException bad => Problem(
            bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest,
            "Bad request",
            "The request could not be read: check the route, query and body against the OpenAPI description."),
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
