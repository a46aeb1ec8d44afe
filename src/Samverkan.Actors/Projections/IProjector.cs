using Npgsql;

namespace Samverkan.Actors.Projections;

/// <summary>
/// Writes read-model rows that actors emit with <see cref="IActorContext{TState}.Project"/>. Its commands run in the
/// same transaction as the batch that emitted the rows, so read models are exactly as current as actor state.
/// Projectors hold the SQL; actors never see it.
/// </summary>
public interface IProjector
{
    Type RowType { get; }

    void Write(IReadOnlyList<object> rows, ProjectionWriter writer);
}

/// <summary>Typed base class of a projector for rows of type <typeparamref name="TRow"/>.</summary>
public abstract class Projector<TRow> : IProjector
    where TRow : notnull
{
    public Type RowType => typeof(TRow);

    void IProjector.Write(IReadOnlyList<object> rows, ProjectionWriter writer)
    {
        var typed = new TRow[rows.Count];
        for (var i = 0; i < typed.Length; i++)
        {
            typed[i] = (TRow)rows[i];
        }

        Write(typed, writer);
    }

    /// <summary>Adds the commands that write <paramref name="rows"/> (in the order they were emitted).</summary>
    protected abstract void Write(IReadOnlyList<TRow> rows, ProjectionWriter writer);
}

/// <summary>Adds commands to the batch's transaction.</summary>
public sealed class ProjectionWriter
{
    private readonly NpgsqlBatch _batch;

    internal ProjectionWriter(NpgsqlBatch batch) => _batch = batch;

    /// <summary>Adds a statement with positional parameters ($1, $2, …).</summary>
    public void Add(string sql, params object?[] parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(value switch
            {
                NpgsqlParameter parameter => parameter,
                null => new NpgsqlParameter { Value = DBNull.Value },

                // timestamptz takes UTC only; domain times may carry a local offset (the same instant).
                DateTimeOffset time => new NpgsqlParameter { Value = time.ToUniversalTime() },
                DateTimeOffset[] times => new NpgsqlParameter { Value = Array.ConvertAll(times, t => t.ToUniversalTime()) },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        _batch.BatchCommands.Add(command);
    }
}
