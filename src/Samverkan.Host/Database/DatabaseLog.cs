namespace Samverkan.Host.Database;

internal static partial class DatabaseLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Using the PostgreSQL server of ConnectionStrings:Samverkan")]
    public static partial void UsingConfiguredDatabase(ILogger logger);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "No ConnectionStrings:Samverkan configured: starting a private PostgreSQL server")]
    public static partial void StartingLocalServer(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Database migrated: {Applied} migrations applied from {Sources} sources")]
    public static partial void Migrated(ILogger logger, int applied, int sources);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Samverkan:Database:MigrateOnStart is off: the host is ready only once the migrate command has run")]
    public static partial void MigrationsSkipped(ILogger logger);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Critical, Message = "Migration failed")]
    public static partial void MigrationFailed(ILogger logger, Exception exception);
}
