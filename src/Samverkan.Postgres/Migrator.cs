using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Samverkan.Postgres;

/// <summary>
/// Applies embedded SQL migrations, recorded in <c>schema_migrations</c>. A session-level advisory lock serialises
/// every run, so several nodes that start together apply each migration exactly once.
/// </summary>
public static class Migrator
{
    /// <summary>The advisory lock key every migration run takes ("SamvMigr" in ASCII).</summary>
    internal const long AdvisoryLockKey = 0x53616D764D696772;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id text PRIMARY KEY,
            module text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            checksum text NOT NULL
        )
        """;

    /// <summary>
    /// Applies every migration of <paramref name="sources"/> that is not yet recorded, in the order of the sources,
    /// then by file name; each file in its own transaction together with its history row.
    /// </summary>
    /// <returns>How many migrations were applied.</returns>
    /// <exception cref="InvalidOperationException">A recorded migration's file has changed since it was applied.</exception>
    public static async Task<int> ApplyAsync(
        NpgsqlDataSource dataSource,
        IEnumerable<MigrationSource> sources,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(sources);
        logger ??= NullLogger.Instance;
        var migrations = Migration.Load(sources);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, CreateHistoryTable, cancellationToken).ConfigureAwait(false);
            var recorded = await ReadRecordedAsync(connection, cancellationToken).ConfigureAwait(false);

            // Verify every checksum before applying anything, so a changed file stops the run before it changes the schema.
            foreach (var migration in migrations)
            {
                if (recorded.TryGetValue(migration.Id, out var checksum) && !string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"Migration '{migration.Id}' was changed after it was applied (recorded checksum {checksum}, file checksum {migration.Checksum}). " +
                        "Applied migrations must never change: add a new migration instead.");
                }
            }

            var applied = 0;
            foreach (var migration in migrations.Where(m => !recorded.ContainsKey(m.Id)))
            {
                MigratorLog.Applying(logger, migration.Id);
                await ApplyOneAsync(connection, migration, cancellationToken).ConfigureAwait(false);
                applied++;
            }

            MigratorLog.Completed(logger, applied, migrations.Count);
            return applied;
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                // The lock is session-level: release it before the connection goes back to the pool.
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True when every migration of <paramref name="sources"/> is recorded as applied.</summary>
    public static async Task<bool> IsUpToDateAsync(
        NpgsqlDataSource dataSource,
        IEnumerable<MigrationSource> sources,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(sources);
        var migrations = Migration.Load(sources);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return migrations.Count == 0;
            }
        }

        var recorded = await ReadRecordedAsync(connection, cancellationToken).ConfigureAwait(false);
        return migrations.All(m => recorded.ContainsKey(m.Id));
    }

    private static async Task ApplyOneAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
        {
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException exception)
            {
                throw new InvalidOperationException($"Migration '{migration.Id}' failed: {exception.MessageText}", exception);
            }
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (id, module, applied_at, checksum) VALUES ($1, $2, now(), $3)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Id });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Module });
            record.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, string>> ReadRecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT id, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            recorded[reader.GetString(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
