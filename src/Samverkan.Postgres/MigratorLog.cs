using Microsoft.Extensions.Logging;

namespace Samverkan.Postgres;

internal static partial class MigratorLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Applying migration {MigrationId}")]
    public static partial void Applying(ILogger logger, string migrationId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Migrations done: {Applied} applied, {Known} known")]
    public static partial void Completed(ILogger logger, int applied, int known);
}
