using Npgsql;
using Samverkan.Postgres;

namespace Samverkan.Benchmarks;

internal static class BenchDatabases
{
    /// <summary>Drops <paramref name="database"/> (closing its connections) and creates it empty; returns its connection string.</summary>
    public static async Task<string> RecreateAsync(this LocalPostgresServer server, string database)
    {
        await using (var admin = new NpgsqlConnection(server.GetConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"drop database if exists {database} with (force); create database {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return server.GetConnectionString(database);
    }
}
