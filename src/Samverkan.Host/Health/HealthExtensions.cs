using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Samverkan.Host.Health;

public static class HealthExtensions
{
    /// <summary>Retry-After (seconds) sent with a 503 from <c>/health/ready</c>.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>How long the database check waits for <c>SELECT 1</c>.</summary>
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Health checks: <c>database</c> (<c>AspNetCore.HealthChecks.NpgSql</c> over the service's own
    /// <see cref="NpgsqlDataSource"/>, resolved when the check first runs, since a private PostgreSQL may start after
    /// configuration) and <c>migrations</c>. Other features add theirs tagged <see cref="HealthTags.Ready"/>.
    /// </summary>
    public static IHostApplicationBuilder AddSamverkanHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddNpgSql(
                sp => sp.GetRequiredService<NpgsqlDataSource>(),
                name: "database",
                failureStatus: HealthStatus.Unhealthy,
                tags: [HealthTags.Ready],
                timeout: DatabaseTimeout)
            .AddCheck<MigrationsReadinessCheck>("migrations", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>
    /// <c>/health/live</c>: 200 while the process runs (no checks). <c>/health/ready</c>: 200 when every check tagged
    /// <see cref="HealthTags.Ready"/> passes, else 503 with Retry-After.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteAsync,
        }).ExcludeFromDescription().DisableHttpMetrics();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = WriteAsync,
        }).ExcludeFromDescription().DisableHttpMetrics();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (report.Status == HealthStatus.Unhealthy)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json";
        var body = new HealthResponse(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description)));
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, HealthJson.Options), context.RequestAborted);
    }

    private sealed record HealthResponse(string Status, IReadOnlyDictionary<string, HealthEntry> Checks);

    private sealed record HealthEntry(string Status, string? Description);

    private static class HealthJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
    }
}
