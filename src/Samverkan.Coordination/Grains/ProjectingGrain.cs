using Orleans.Storage;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Actors.Projections;

namespace Samverkan.Coordination.Grains;

/// <summary>The state of a grain whose read-model rows carry its version.</summary>
public interface IVersionedGrainState
{
    /// <summary>Raised by one with every change that is written; the read models keep the row of the highest version.</summary>
    long Version { get; }
}

/// <summary>
/// The glue of a grain whose effects are read-model rows and a signal (the municipality, the school): it writes its
/// state, then its rows (version-guarded upserts, so writing them twice changes nothing), then publishes the signal.
/// </summary>
/// <remarks>
/// The rows are a function of the state, so nothing needs an outbox: when the rows could not be written after a state
/// write (the command then fails and is retried), or after a new activation, they are written again before the next
/// decision.
/// </remarks>
public abstract class ProjectingGrain<TState>(IPersistentState<TState> state, IReadModels readModels, IActorSignals signals)
    : Grain
    where TState : class, IVersionedGrainState
{
    private bool _projected;

    protected TState State => state.State;

    /// <summary>The read-model rows of a state.</summary>
    protected abstract IReadOnlyList<object> RowsOf(TState current);

    /// <summary>The signal that tells every node's caches the state changed.</summary>
    protected abstract (string Topic, object Payload) SignalOf(TState current);

    /// <summary>
    /// Whether a command leaves a document as it is. Compared as the stored JSON, not with record equality: the domain's
    /// records hold immutable arrays, which compare by reference, so an upsert of the same school would look like a change.
    /// </summary>
    protected static bool Unchanged<T>(T? current, T? next)
        where T : class =>
        current is not null && next is not null && CoordinationJson.Serialize(current) == CoordinationJson.Serialize(next);

    /// <summary>Before a decision: rows that may be missing from the read models (a new activation, a failed write) are written again.</summary>
    protected async Task EnsureProjectedAsync()
    {
        if (!_projected && state.RecordExists)
        {
            await readModels.WriteAsync(RowsOf(state.State));
            _projected = true;
        }
    }

    /// <summary>Writes <paramref name="next"/> (its version one above the current), its rows and its signal; answers <paramref name="result"/> once all are stored.</summary>
    protected async Task<CommandResult> CommitAsync(TState next, CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(next);
        var previous = state.State;
        state.State = next;
        _projected = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote this grain's state: this one is stale and must not decide again.
            state.State = previous;
            DeactivateOnIdle();
            throw;
        }
        catch
        {
            state.State = previous;
            throw;
        }

        await readModels.WriteAsync(RowsOf(next));
        _projected = true;
        var (topic, payload) = SignalOf(next);
        signals.Publish(topic, payload);
        return result;
    }
}
