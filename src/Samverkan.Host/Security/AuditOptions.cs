namespace Samverkan.Host.Security;

/// <summary>The audit log (section <c>Samverkan:Audit</c>).</summary>
public sealed class SamverkanAuditOptions
{
    public const string SectionName = "Samverkan:Audit";

    /// <summary>How long a write may take before the waiting requests fail with 503 (default 5 seconds).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most entries committed in one transaction (default 1000).</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>The Retry-After (seconds) of a 503 when the audit log is unavailable (default 5).</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>The sliding window in which distinct children opened by one user are counted (default 1 hour).</summary>
    public TimeSpan AnomalyWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many distinct children one user may open within <see cref="AnomalyWindow"/> before an anomaly is recorded (default 60; 0 turns the check off).</summary>
    public int AnomalyThreshold { get; set; } = 60;

    internal IEnumerable<string> Problems()
    {
        if (WriteTimeout <= TimeSpan.Zero || WriteTimeout > TimeSpan.FromMinutes(1))
        {
            yield return "Samverkan:Audit:WriteTimeout must be between 0 and 1 minute.";
        }

        if (MaxBatchSize is < 1 or > 10_000)
        {
            yield return "Samverkan:Audit:MaxBatchSize must be between 1 and 10000.";
        }

        if (RetryAfterSeconds < 1)
        {
            yield return "Samverkan:Audit:RetryAfterSeconds must be at least 1.";
        }

        if (AnomalyThreshold < 0 || AnomalyWindow <= TimeSpan.Zero)
        {
            yield return "Samverkan:Audit:AnomalyThreshold must not be negative and AnomalyWindow must be positive.";
        }
    }
}
