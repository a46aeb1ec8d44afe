using Microsoft.Extensions.Logging;

namespace Samverkan.Postgres;

/// <summary>Where the private server is and what it does. Never the password or a connection string.</summary>
internal static partial class LocalPostgresLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Creating a new PostgreSQL cluster in {DataDirectory}")]
    public static partial void Initializing(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Private PostgreSQL is running: data folder {DataDirectory}, 127.0.0.1 port {Port}, pid {ProcessId}")]
    public static partial void Started(ILogger logger, string dataDirectory, int port, int processId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Created database {Database}")]
    public static partial void DatabaseCreated(ILogger logger, string database);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "A PostgreSQL server (pid {ProcessId}) left by a previous run is still running on {DataDirectory}; stopping it")]
    public static partial void StoppingStaleInstance(ILogger logger, int processId, string dataDirectory);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Stopping private PostgreSQL (pid {ProcessId})")]
    public static partial void Stopping(ILogger logger, int processId);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Private PostgreSQL stopped (pid {ProcessId})")]
    public static partial void Stopped(ILogger logger, int processId);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "Private PostgreSQL (pid {ProcessId}) did not stop within {Seconds} s; shutting it down immediately")]
    public static partial void StopTimedOut(ILogger logger, int processId, double seconds);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Could not delete the data folder {DataDirectory}: {Reason}")]
    public static partial void DeleteFailed(ILogger logger, string dataDirectory, string reason);
}
