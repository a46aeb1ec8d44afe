using System.Text;

namespace Samverkan.Actors.Runtime;

/// <summary>A signal as it travels: its topic, a line break, its JSON payload; small enough for a NOTIFY.</summary>
internal static class SignalText
{
    /// <summary>PostgreSQL's NOTIFY payload limit is 8000 bytes; keep a margin for the topic.</summary>
    public const int MaxSignalBytes = 7900;

    public static string Format(string topic, object payload, ActorRegistry registry) => Format(topic, registry.Serialize(payload));

    public static string Format(string topic, string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(json);
        if (topic.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("A topic cannot contain a line break.", nameof(topic));
        }

        var text = topic + "\n" + json;
        if (Encoding.UTF8.GetByteCount(text) > MaxSignalBytes)
        {
            throw new ArgumentException($"A signal must stay under {MaxSignalBytes} bytes; publish ids, not documents.", nameof(json));
        }

        return text;
    }
}
