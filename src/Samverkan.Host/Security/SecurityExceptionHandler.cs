using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Security;

/// <summary>
/// A child the caller may not see is answered 404 exactly like a missing one; an audit log that cannot be written
/// is answered 503 with Retry-After, so no child data leaves unaudited.
/// </summary>
internal sealed class SecurityExceptionHandler(IOptions<SamverkanAuditOptions> auditOptions) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case ChildNotFoundException:
                await SecurityProblems.WriteAsync(httpContext, StatusCodes.Status404NotFound, "Not found",
                    "No such child or case.").ConfigureAwait(false);
                return true;
            case AuditUnavailableException:
                httpContext.Response.Headers.RetryAfter = auditOptions.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                await SecurityProblems.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Audit log unavailable",
                    "The access could not be recorded in the audit log, so the data is not served. Retry after the number of seconds in Retry-After.")
                    .ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }
}
