using System.Collections.Frozen;

namespace Samverkan.Actors.Projections;

/// <summary>
/// Writes read-model rows outside an actor batch, with the same projectors, in one transaction: the Orleans grains
/// use it after their state write. Their rows carry the grain's state version and the projectors' upserts are guarded
/// by it, so a row written twice (a retry, a re-projection after activation) changes nothing.
/// </summary>
public interface IReadModels
{
    Task WriteAsync(IReadOnlyList<object> rows, CancellationToken cancellationToken = default);
}

/// <summary>Hands consecutive rows of one type to their projector together, keeping the order they were emitted in.</summary>
internal static class ProjectionRuns
{
    public static void Write(IReadOnlyList<object> rows, FrozenDictionary<Type, IProjector> projectors, ProjectionWriter writer)
    {
        var run = new List<object>();
        for (var i = 0; i <= rows.Count; i++)
        {
            if (i < rows.Count && (run.Count == 0 || run[0].GetType() == rows[i].GetType()))
            {
                run.Add(rows[i]);
                continue;
            }

            if (run.Count > 0)
            {
                Projector(projectors, run[0].GetType()).Write(run, writer);
            }

            run = i < rows.Count ? [rows[i]] : [];
        }
    }

    private static IProjector Projector(FrozenDictionary<Type, IProjector> projectors, Type rowType) =>
        projectors.TryGetValue(rowType, out var projector)
            ? projector
            : throw new InvalidOperationException($"No projector is registered for rows of type {rowType.Name}.");
}
