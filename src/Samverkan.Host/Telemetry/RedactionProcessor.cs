using System.Diagnostics;
using OpenTelemetry;

namespace Samverkan.Host.Telemetry;

/// <summary>
/// Drops span tags that can carry personal data: query strings (search terms, names) and statement parameters.
/// Paths keep only pseudonymous keys by design of the API.
/// </summary>
internal sealed class RedactionProcessor : BaseProcessor<Activity>
{
    private static readonly string[] DroppedTags = ["url.query", "http.url", "url.full", "http.target"];

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
    }
}
