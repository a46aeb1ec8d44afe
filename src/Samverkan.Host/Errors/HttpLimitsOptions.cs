namespace Samverkan.Host.Errors;

/// <summary>Request limits (section <c>Samverkan:Http</c>).</summary>
public sealed class HttpLimitsOptions
{
    public const string SectionName = "Samverkan:Http";

    /// <summary>
    /// The largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. An endpoint with its own limit
    /// (<c>IRequestSizeLimitMetadata</c>, such as the absence batch sized for 5,000 items) uses that instead.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
