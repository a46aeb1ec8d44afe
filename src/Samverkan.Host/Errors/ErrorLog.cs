namespace Samverkan.Host.Errors;

internal static partial class ErrorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Rejected a request with {StatusCode}: {Title}")]
    public static partial void BadRequest(ILogger logger, int statusCode, string title);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Answered 503: the database could not be reached ({ExceptionType})")]
    public static partial void DatabaseUnavailable(ILogger logger, string exceptionType);
}
