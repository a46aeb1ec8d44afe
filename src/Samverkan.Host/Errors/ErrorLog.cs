namespace Samverkan.Host.Errors;

internal static partial class ErrorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Rejected a request with {StatusCode}: {Title}")]
    public static partial void BadRequest(ILogger logger, int statusCode, string title);
}
