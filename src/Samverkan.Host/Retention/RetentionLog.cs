namespace Samverkan.Host.Retention;

/// <summary>The culling job's log: counts per record kind only, never ids of children or cases.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Retention culled {Count} {Kind} (kept for {Days} days)")]
    public static partial void Culled(ILogger logger, int count, string kind, int days);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Retention culled {Count} {Kind} (kept for {Months} months after the watch ended)")]
    public static partial void CulledMonths(ILogger logger, int count, string kind, int months);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "Retention skipped: another node is culling")]
    public static partial void Skipped(ILogger logger);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Retention run failed; it is retried at the next interval")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Retention: {Count} {Kind} were due but their actors did not answer; they are culled at the next run")]
    public static partial void Deferred(ILogger logger, int count, string kind);
}
