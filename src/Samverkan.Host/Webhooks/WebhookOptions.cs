namespace Samverkan.Host.Webhooks;

/// <summary>Settings of webhook delivery (<c>Samverkan:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Samverkan:Webhooks";

    /// <summary>Run the delivery worker on this node (every node may; rows are claimed with <c>skip locked</c>).</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>How often the worker looks for due deliveries when no alert signal woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed (and posted concurrently) at a time.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Attempts before a delivery is marked failed.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The delay after the first failed attempt; it doubles with each further failure (with jitter), up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A claimed delivery whose node vanished is attempted again after this long (at-least-once).</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
