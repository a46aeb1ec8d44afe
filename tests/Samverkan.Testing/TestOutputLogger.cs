using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Samverkan.Testing;

/// <summary>Writes log entries to xunit's test output, so a failing test shows what the code under test logged.</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName, minimumLevel);

    public void Dispose()
    {
    }
}

/// <summary>A logger that writes to xunit's <see cref="ITestOutputHelper"/>.</summary>
public sealed class TestOutputLogger(ITestOutputHelper output, string categoryName, LogLevel minimumLevel = LogLevel.Information) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimumLevel && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel,-11} {categoryName}[{eventId.Id}] {formatter(state, exception)}");
        if (exception is not null)
        {
            line += Environment.NewLine + exception;
        }

        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
