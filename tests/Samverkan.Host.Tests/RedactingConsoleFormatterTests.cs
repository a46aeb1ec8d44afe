using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Samverkan.Host.Telemetry;

namespace Samverkan.Host.Tests;

/// <summary>The console log in the framework's simple format, with child keys and identity numbers redacted.</summary>
public sealed class RedactingConsoleFormatterTests
{
    private const string ChildKey = "c_wf6v3g4i3ma7rn7a6yk5j5qqh2cmpose";

    [Fact]
    public void AnOrleansWarningNamingAChildGrain_IsWrittenWithoutTheKey_InTheSimpleFormat()
    {
        var text = Format(
            LogLevel.Warning,
            "Orleans.Runtime.Scheduler.WorkItemGroup",
            $"Task System.Action in WorkGroup [Activation: S127.0.0.1:36021:155691196/child/{ChildKey}@8c2d2e86] took elapsed time 0:00:01.2",
            exception: null);

        text.ShouldNotContain(ChildKey);
        text.ShouldStartWith("warn: Orleans.Runtime.Scheduler.WorkItemGroup[101]" + Environment.NewLine);
        text.ShouldContain("      Task System.Action in WorkGroup [Activation: S127.0.0.1:36021:155691196/child/[redacted]@8c2d2e86]");
    }

    [Fact]
    public void AnExceptionQuotingAnIdentityNumber_IsRedacted_AndEveryLineIndented()
    {
        var text = Format(LogLevel.Error, "Samverkan.Test", "Import failed", new InvalidOperationException("pupil 201408152393 refused\nsecond line"));

        text.ShouldNotContain("201408152393");
        text.ShouldContain("      System.InvalidOperationException: pupil [redacted] refused" + Environment.NewLine + "      second line");
        text.ShouldStartWith("fail: Samverkan.Test[101]" + Environment.NewLine + "      Import failed" + Environment.NewLine);
    }

    private static string Format(LogLevel level, string category, string message, Exception? exception)
    {
        using var formatter = new RedactingConsoleFormatter(new FixedOptions(new ConsoleFormatterOptions()));
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, category, new EventId(101), message, exception, (state, _) => state);
        formatter.Write(in entry, scopeProvider: null, writer);
        return writer.ToString();
    }

    private sealed class FixedOptions(ConsoleFormatterOptions value) : IOptionsMonitor<ConsoleFormatterOptions>
    {
        public ConsoleFormatterOptions CurrentValue => value;

        public ConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleFormatterOptions, string?> listener) => null;
    }
}
