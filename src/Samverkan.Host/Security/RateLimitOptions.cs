namespace Samverkan.Host.Security;

/// <summary>
/// Abuse limits (section <c>Samverkan:RateLimits</c>): fixed windows per user (<c>sub</c>) and per client address,
/// whichever runs out first answers 429 with Retry-After. Health checks are never limited.
/// </summary>
public sealed class SamverkanRateLimitOptions
{
    public const string SectionName = "Samverkan:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>The window the permits below are counted in (default 1 minute).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Requests per window for one person (default 600: ten a second, far above a person's use).</summary>
    public int PermitsPerUser { get; set; } = 600;

    /// <summary>Requests per window for one feed (default 6000: batch feeds post often).</summary>
    public int PermitsPerFeed { get; set; } = 6000;

    /// <summary>
    /// Requests per window from one client address, authenticated or not (default 6000: a municipality's staff may
    /// share one address). Behind a proxy, configure forwarded headers so this sees the client's address.
    /// </summary>
    public int PermitsPerAddress { get; set; } = 6000;
}
