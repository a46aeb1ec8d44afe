using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Telemetry;

/// <summary>
/// The console's format (as the framework's simple formatter writes it: <c>info: Category[event]</c>, then the message
/// indented), with the redaction of <see cref="RedactionProcessor"/> applied to the message and the exception. Our own
/// messages carry ids only; libraries' may not (Orleans names an activation, and so a child key, in its scheduler
/// warnings), and the console is a log a region's operators keep.
/// </summary>
internal sealed class RedactingConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "samverkan";

    private const string Indent = "      ";

    private readonly IDisposable? _reload;
    private ConsoleFormatterOptions _options;

    public RedactingConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        if (_options.TimestampFormat is { } format)
        {
            var now = _options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            textWriter.Write(now.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
        }

        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write(']');
        textWriter.Write(Environment.NewLine);
        if (!string.IsNullOrEmpty(message))
        {
            WriteIndented(textWriter, RedactionProcessor.Redact(message));
        }

        if (logEntry.Exception is { } exception)
        {
            WriteIndented(textWriter, RedactionProcessor.Redact(exception.ToString()));
        }
    }

    public void Dispose() => _reload?.Dispose();

    private static void WriteIndented(TextWriter writer, string text)
    {
        writer.Write(Indent);
        writer.Write(text.ReplaceLineEndings(Environment.NewLine + Indent));
        writer.Write(Environment.NewLine);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
