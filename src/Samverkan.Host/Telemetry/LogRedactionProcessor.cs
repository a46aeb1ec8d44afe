using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Samverkan.Host.Telemetry;

/// <summary>
/// The redaction guarantee for exported logs (<see cref="RedactionProcessor"/> is the one for spans). Our own messages
/// carry ids only, but libraries' do not: Orleans, for one, names the activation in its scheduler warnings, and a child
/// grain's id holds the child key. Every log record ends here before the exporter sees it: its message, its body and
/// its string attributes have anything that looks like a child key or a personal identity number replaced with
/// <c>[redacted]</c>, and an exception whose message does is replaced by its type name alone.
/// </summary>
internal sealed class LogRedactionProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FormattedMessage is { } message && RedactionProcessor.HasPersonalData(message))
        {
            data.FormattedMessage = RedactionProcessor.Redact(message);
        }

        if (data.Body is { } body && RedactionProcessor.HasPersonalData(body))
        {
            data.Body = RedactionProcessor.Redact(body);
        }

        if (data.Attributes is { Count: > 0 } attributes && attributes.Any(a => a.Value is string s && RedactionProcessor.HasPersonalData(s)))
        {
            data.Attributes = [.. attributes.Select(a => a.Value is string s && RedactionProcessor.HasPersonalData(s)
                ? new KeyValuePair<string, object?>(a.Key, RedactionProcessor.Redact(s))
                : a)];
        }

        if (data.Exception is { } exception && HasPersonalData(exception))
        {
            data.Exception = new RedactedException(exception.GetType().FullName ?? "Exception");
        }
    }

    private static bool HasPersonalData(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (RedactionProcessor.HasPersonalData(current.Message) || (current.StackTrace is { } trace && RedactionProcessor.HasPersonalData(trace)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stands in for an exception whose text carried personal data: only the original type is kept.</summary>
    private sealed class RedactedException(string originalType) : Exception($"{originalType}: [redacted]");
}
