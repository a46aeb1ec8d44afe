using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Actors.TestNode;

// A test node: `Samverkan.Actors.TestNode <connection string> <node name> <lease ttl seconds> <partitions> [handler delay ms]`.
// Prints "READY <node id>" when started; leaves gracefully on SIGTERM/SIGINT or when standard input closes.
if (args.Length < 4)
{
    await Console.Error.WriteLineAsync("usage: Samverkan.Actors.TestNode <connection string> <node name> <lease ttl seconds> <partitions> [handler delay ms]");
    return 2;
}

var connectionString = args[0];
var nodeName = args[1];
var ttl = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture));
var partitions = int.Parse(args[3], CultureInfo.InvariantCulture);
var handlerDelay = args.Length > 4 ? TimeSpan.FromMilliseconds(double.Parse(args[4], CultureInfo.InvariantCulture)) : TimeSpan.Zero;

using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new ConsoleLineLoggerProvider(nodeName)).SetMinimumLevel(LogLevel.Information));
await using var dataSource = NpgsqlDataSource.Create(connectionString);
await using var host = new ActorHost(
    dataSource,
    new ActorRuntimeOptions { PartitionCount = partitions, LeaseTtl = ttl, NodeName = nodeName, PollInterval = TimeSpan.FromMilliseconds(250) },
    TestActors.Actors(nodeName, handlerDelay),
    TestActors.Projectors(),
    loggerFactory: loggerFactory);

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
_ = Task.Run(async () =>
{
    // Standard input closing (the test process went away) also stops the node.
    while (await Console.In.ReadLineAsync() is not null)
    {
    }

    stop.TrySetResult();
});

await host.StartAsync();
Console.WriteLine($"READY {host.NodeId}");
await stop.Task;
await host.StopAsync();
Console.WriteLine("STOPPED");
return 0;

/// <summary>Writes log lines to standard output so the tests can read them.</summary>
internal sealed class ConsoleLineLoggerProvider(string nodeName) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ConsoleLineLogger(nodeName);

    public void Dispose()
    {
    }

    private sealed class ConsoleLineLogger(string nodeName) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Console.WriteLine($"LOG {nodeName} {eventId.Id} {logLevel}: {formatter(state, exception)}");
        }
    }
}
