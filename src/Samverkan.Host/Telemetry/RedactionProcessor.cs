using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace Samverkan.Host.Telemetry;

/// <summary>
/// The redaction guarantee, ours because no instrumentation offers it: every span, whatever library made it, ends
/// here before an exporter sees it. Drops tags that can carry personal data (query strings and full URLs, statement
/// parameters, Orleans grain ids, which hold child keys) and replaces any remaining tag value, span name or event
/// that looks like a child key (<c>c_…</c>) or a personal identity number with <c>[redacted]</c>.
/// </summary>
internal sealed partial class RedactionProcessor : BaseProcessor<Activity>
{
    private const string Redacted = "[redacted]";

    private static readonly string[] DroppedTags =
    [
        "url.query", "http.url", "url.full", "http.target",
        "orleans.grain.id", "orleans.rpc.target_id", "orleans.rpc.source_id", "orleans.activation.id",
        "orleans.durable_job.target_grain_id",
    ];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in DroppedTags)
        {
            if (data.GetTagItem(tag) is not null)
            {
                data.SetTag(tag, null);
            }
        }

        foreach (var tag in data.TagObjects.Where(t => t.Key.StartsWith("db.query.parameter.", StringComparison.Ordinal)).Select(t => t.Key).ToArray())
        {
            data.SetTag(tag, null);
        }

        foreach (var (key, value) in data.TagObjects.Where(t => t.Value is string s && HasPersonalData(s)).Select(t => (t.Key, (string)t.Value!)).ToArray())
        {
            data.SetTag(key, Redact(value));
        }

        if (HasPersonalData(data.DisplayName))
        {
            data.DisplayName = Redact(data.DisplayName);
        }

        if (data.StatusDescription is { } status && HasPersonalData(status))
        {
            data.SetStatus(data.Status, Redact(status));
        }
    }

    /// <summary>Whether <paramref name="value"/> holds something that looks like a child key or a personal identity number.</summary>
    internal static bool HasPersonalData(string value) => PersonalData().IsMatch(value);

    internal static string Redact(string value) => PersonalData().Replace(value, Redacted);

    // A child key (c_ and its pseudonym) or a personal identity number (YYMMDD or YYYYMMDD, separator, four digits).
    [GeneratedRegex(@"(?<![A-Za-z0-9])c_[A-Za-z0-9_\-]+|(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PersonalData();
}
