namespace Samverkan.Host.Webhooks;

/// <summary>Webhook logging: organisation, webhook and delivery ids only; never URLs, secrets or bodies.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(5100, LogLevel.Information, "Webhook {WebhookId} of organisation {Organisation} registered or updated")]
    public static partial void Registered(ILogger logger, string organisation, string webhookId);

    [LoggerMessage(5101, LogLevel.Debug, "Webhook delivery {DeliveryId} to {WebhookId} of {Organisation} delivered on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, Guid deliveryId, string webhookId, string organisation, int attempt);

    [LoggerMessage(5102, LogLevel.Information, "Webhook delivery {DeliveryId} to {WebhookId} of {Organisation}: attempt {Attempt} failed ({Reason}); next in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, Guid deliveryId, string webhookId, string organisation, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(5103, LogLevel.Warning, "Webhook delivery {DeliveryId} to {WebhookId} of {Organisation} failed after {Attempt} attempts ({Reason}); marked failed")]
    public static partial void GaveUp(ILogger logger, Guid deliveryId, string webhookId, string organisation, int attempt, string reason);

    [LoggerMessage(5104, LogLevel.Error, "The webhook delivery worker failed; it retries")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);
}
