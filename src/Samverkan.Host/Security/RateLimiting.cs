using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Security;

/// <summary>The global rate limiter: per user and per client address, chained; 429 problem details with Retry-After.</summary>
internal static class RateLimiting
{
    public static void Configure(RateLimiterOptions limiter, SamverkanRateLimitOptions options)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = OnRejectedAsync;
        if (!options.Enabled)
        {
            return;
        }

        var perUser = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (IsExempt(context) || context.TryGetCaller() is not { } caller)
            {
                return RateLimitPartition.GetNoLimiter("anonymous");
            }

            var feed = caller.IsFeed;
            return RateLimitPartition.GetFixedWindowLimiter(
                (feed ? "feed:" : "user:") + caller.Staff.Value,
                _ => Window(feed ? options.PermitsPerFeed : options.PermitsPerUser, options.Window));
        });
        var perAddress = PartitionedRateLimiter.Create<HttpContext, string>(context => IsExempt(context)
            ? RateLimitPartition.GetNoLimiter("exempt")
            : RateLimitPartition.GetFixedWindowLimiter(
                "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                _ => Window(options.PermitsPerAddress, options.Window)));
        limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(perUser, perAddress);
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool IsExempt(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var window = http.RequestServices.GetRequiredService<IOptions<SamverkanRateLimitOptions>>().Value.Window;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : window;
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        SecurityLog.RateLimited(
            http.RequestServices.GetRequiredService<ILogger<SamverkanRateLimitOptions>>(),
            http.TryGetCaller() is { IsFeed: true } ? "feed" : http.User.Identity?.IsAuthenticated == true ? "user" : "address");
        await SecurityProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            "The rate limit was reached: retry after the number of seconds in Retry-After.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds }).ConfigureAwait(false);
    }
}
