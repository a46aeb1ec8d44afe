using System.Globalization;
using System.Text;
using Npgsql;

namespace Samverkan.Testing;

/// <summary>What the end-to-end tests ask the database directly: one value, and what the actor runtime holds.</summary>
public static class DatabaseQueries
{
    /// <summary>The first column of the first row as a number (0 when there is none).</summary>
    public static async Task<long> ScalarAsync(this NpgsqlDataSource database, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        var value = await ExecuteScalarAsync(database, sql, parameters, cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The first column of the first row as text (null when there is none).</summary>
    public static async Task<string?> TextAsync(this NpgsqlDataSource database, string sql, object[] parameters, CancellationToken cancellationToken) =>
        await ExecuteScalarAsync(database, sql, parameters, cancellationToken) as string;

    /// <summary>What the grains hold: undelivered messages, child and case states, cases (for a failing test's message).</summary>
    public static async Task<string> ActorDiagnosticsAsync(this NpgsqlDataSource database)
    {
        var text = new StringBuilder();
        foreach (var sql in new[]
                 {
                     "select 'undelivered: ' || actor_type || ' ' || kind from actor_grain_outbox",
                     "select 'state: ' || actor_type || '/' || actor_key || ' v' || version || ' ' || left(state::text, 600) from actor_grain_state where actor_type in ('child', 'case')",
                     "select 'case: ' || case_id || ' ' || kind || ' ' || status from coord_cases",
                 })
        {
            await using var command = database.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; past <paramref name="timeout"/> throws, naming what was awaited
    /// and what <paramref name="diagnostics"/> tells.</summary>
    public static async Task WaitUntilAsync(
        Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan poll, Func<Task<string>>? diagnostics, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                var detail = diagnostics is null ? "" : "\n" + await diagnostics();
                throw new TimeoutException($"Timed out waiting for: {what}{detail}");
            }

            await Task.Delay(poll, cancellationToken);
        }
    }

    private static async Task<object?> ExecuteScalarAsync(NpgsqlDataSource database, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
