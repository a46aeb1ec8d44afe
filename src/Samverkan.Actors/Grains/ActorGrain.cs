using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Samverkan.Actors.Runtime;

namespace Samverkan.Actors.Grains;

/// <summary>
/// Hosts an <see cref="Actor{TState}"/>'s handlers as an Orleans grain: the grain type is the actor type name (give the
/// sealed subclass <c>[GrainType("child")]</c>), the key the actor key. The handlers stay as they are (synchronous
/// decisions); this class carries out what they asked for, with the guarantees the old runtime's one transaction gave:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>One write per handled message: the actor's state with every effect not yet carried out (messages to other
/// actors, read-model rows, timers) and the ids that make repeats harmless. The caller's answer comes after it.</item>
/// <item>Messages to other actors wait in the outbox until the receiver acknowledges them; they are sent again (same
/// effect id) after a failure, a restart or a move to another silo, and the receiver handles each effect id once.
/// Sending happens off the grain's turn (an interleaving timer), so two actors that message each other never wait on
/// each other.</item>
/// <item>Read-model rows are written in numbered groups exactly once (<see cref="ActorGrainReadModels"/>), normally
/// before the caller's answer; if that fails they are written on the next tick.</item>
/// <item>Timers are due by the service's clock: an in-memory timer on that clock fires them while the grain is active,
/// and an Orleans reminder wakes the grain for them (and for undelivered effects) when it is not, on any silo.</item>
/// </list>
/// </remarks>
public abstract partial class ActorGrain : Grain, IActorGrain, IRemindable
{
    private const string ReminderName = "samverkan.actor";

    private readonly IPersistentState<ActorGrainState> _store;
    private readonly ActorGrainServices _services;
    private readonly List<string> _signals = [];
    private ActorGrainState _working = null!;
    private ActorBase _actor = null!;
    private Activation _activation = null!;
    private ActorContextCore _context = null!;
    private string _self = "";
    private IGrainTimer? _delivery;
    private ITimer? _deadline;
    private DateTimeOffset? _deadlineAt;
    private DateTimeOffset? _reminderDue;
    private bool _reminder;
    private bool _delivering;
    private bool _compacted;
    private int _deliveryFailures;

    protected ActorGrain(IPersistentState<ActorGrainState> store, ActorGrainServices services)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(services);
        _store = store;
        _services = services;
    }

    /// <summary>
    /// The state this activation works on. Each write stores a copy of it, so the outbox sender (which interleaves with
    /// the grain's calls) can trim it while a write of an earlier copy is under way.
    /// </summary>
    private ActorGrainState Stored => _working;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetGrainId();
        var self = new ActorId(id.Type.ToString()!, id.Key.ToString()!);
        _self = self.ToString();
        _actor = _services.Registry.GetActor(self.Type);
        _working = _store.State;
        var state = Stored.State is { } json
            ? Stored.StateVersion == _actor.StateVersion
                ? json.Deserialize(_actor.StateType, _services.Registry.JsonOptions)!
                : _actor.UpgradeStateObject(Stored.StateVersion, json)
            : _actor.CreateInitialStateObject(self.Key);
        _activation = new Activation(self, state, Stored.State is not null, Stored.Version);
        _context = new ActorContextCore(_services.Registry, _services.Projectors);
        // A reminder is a row in PostgreSQL: look for one only when this grain has work that needs it (a stray one left
        // by a failed removal announces itself when it fires, and is removed then).
        _reminder = (Stored.Timers.Count > 0 || Stored.Outbox.Count > 0 || Stored.Rows.Count > 0)
            && await this.GetReminder(ReminderName) is not null;
        await CarryOutAsync();
        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deadline?.Dispose();
        _delivery?.Dispose();
        if (_compacted)
        {
            // Delivered messages leave the stored outbox (best effort: a repeat is harmless).
            try
            {
                await WriteAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.CompactionFailed(_services.Logger, exception);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<ActorGrainReply> DeliverAsync(ActorEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.EffectId is { } effect && Stored.RecentEffects.Contains(effect))
        {
            return new ActorGrainReply(null, null, Repeated: true);
        }

        if (envelope.CommandId is { } command && Stored.RecentCommands.Find(r => r.CommandId == command) is { } stored)
        {
            return new ActorGrainReply(stored.Kind, stored.Json, Repeated: true);
        }

        var message = _services.Registry.Deserialize(envelope.Kind, envelope.Payload);
        var reply = await HandleAsync(message, envelope.EffectId, envelope.CommandId);
        await CarryOutAsync();
        return reply;
    }

    public async Task TickAsync()
    {
        if (_compacted && !_delivering && Stored.Outbox.Count == 0)
        {
            // Delivered messages leave the stored outbox (and written rows with them): what is stored is what is pending.
            await WriteAsync(CancellationToken.None);
            _compacted = false;
        }

        var now = _services.Clock.GetUtcNow();
        foreach (var (name, timer) in Stored.Timers.Where(t => t.Value.DueAt <= now).OrderBy(t => t.Value.DueAt).ToList())
        {
            // Still the same timer (an earlier one's handler may have moved or cancelled it): fire it.
            if (Stored.Timers.TryGetValue(name, out var current) && current == timer)
            {
                Stored.Timers.Remove(name);
                try
                {
                    await HandleAsync(_services.Registry.Deserialize(timer.Kind, timer.Payload), null, null, firedTimer: (name, timer));
                }
                catch (Exception exception) when (exception is not InconsistentStateException)
                {
                    Log.TimerFailed(_services.Logger, exception, _actor.TypeName);
                }
            }
        }

        await CarryOutAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminder = true;
        return TickAsync();
    }

    /// <summary>Runs the handler and stores its outcome in one write; on any failure nothing of it is kept.</summary>
    private async Task<ActorGrainReply> HandleAsync(object message, string? effectId, string? commandId, (string Name, DueTimer Timer)? firedTimer = null)
    {
        var effects = new HandlerEffects();
        var before = (_activation.State, _activation.Exists);
        var snapshot = Copy(Stored);
        if (firedTimer is { } fired)
        {
            // The fired timer was removed by the caller; on a failure it is put back with the rest.
            snapshot.Timers[fired.Name] = fired.Timer;
        }

        object? reply;
        _context.Begin(_actor, _activation, effects, _services.Clock.GetUtcNow());
        try
        {
            reply = _actor.Handle(message, _context);
        }
        catch
        {
            Restore(snapshot, before);
            throw;
        }
        finally
        {
            _context.End();
        }

        var stored = Stored;
        if (_activation.Deleted)
        {
            // Nothing of the record stays: its state, its timers and the replies to commands (which may quote it).
            stored.State = null;
            stored.StateVersion = 0;
            stored.Timers.Clear();
            stored.RecentCommands.Clear();
            stored.Version++;
        }
        else if (_activation.Dirty)
        {
            stored.State = JsonSerializer.SerializeToElement(_activation.State, _actor.StateType, _services.Registry.JsonOptions);
            stored.StateVersion = _actor.StateVersion;
            stored.Version++;
        }

        foreach (var outgoing in effects.Outgoing)
        {
            stored.Outbox.Add(new PendingSend($"{_self}/{stored.NextEffect++}", outgoing.Target.Type, outgoing.Target.Key, outgoing.Kind, outgoing.Payload));
        }

        foreach (var (name, change) in effects.Timers)
        {
            if (change.IsCancel)
            {
                stored.Timers.Remove(name);
            }
            else
            {
                stored.Timers[name] = new DueTimer(change.DueAt, change.Kind!, change.Payload!);
            }
        }

        if (effects.Rows.Count > 0)
        {
            stored.Rows.Add(new PendingRows(stored.NextEffect++, [.. effects.Rows.Select(r => new PendingRow(r.GetType().FullName!, _services.Registry.Serialize(r)))]));
        }

        if (effectId is not null)
        {
            Remember(stored.RecentEffects, effectId);
        }

        var answer = reply is null ? ActorGrainReply.None : new ActorGrainReply(reply.GetType().Name, _services.Registry.Serialize(reply), false);
        if (commandId is not null)
        {
            stored.RecentCommands.Add(new StoredReply(commandId, answer.Kind, answer.Json));
            if (stored.RecentCommands.Count > _services.Options.DeduplicationWindow)
            {
                stored.RecentCommands.RemoveAt(0);
            }
        }

        try
        {
            await WriteAsync(CancellationToken.None);
        }
        catch (InconsistentStateException)
        {
            // Another activation of this actor wrote since this one loaded: this one is stale and must not decide again.
            Restore(snapshot, before);
            DeactivateOnIdle();
            throw;
        }
        catch
        {
            Restore(snapshot, before);
            throw;
        }

        _compacted = false;
        ActorTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", _actor.TypeName));
        if (_activation.Deleted)
        {
            _activation.State = _actor.CreateInitialStateObject(_activation.Id.Key);
            _activation.Exists = false;
        }
        else if (_activation.Dirty)
        {
            _activation.Exists = true;
        }

        _activation.Version = stored.Version;
        _activation.Dirty = false;
        _activation.Deleted = false;
        // Signals go out after the rows (CarryOutAsync): a subscriber woken by one reads the rows it announces.
        _signals.AddRange(effects.Signals);
        return answer;
    }

    /// <summary>After a write (and on activation): the rows not yet written, the outbox, the deadline timer and the reminder.</summary>
    private async Task CarryOutAsync()
    {
        while (Stored.Rows.Count > 0)
        {
            var group = Stored.Rows[0];
            try
            {
                var rows = group.Items.Select(r => JsonSerializer.Deserialize(r.Json, _services.RowTypes[r.Type], _services.Registry.JsonOptions)!).ToList();
                await _services.ReadModels.WriteAsync(_self, group.Version, rows);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                // Written on the next tick; the reminder below makes sure there is one.
                Log.RowsFailed(_services.Logger, exception, _actor.TypeName);
                ActorTelemetry.RowsDeferred.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", _actor.TypeName));
                break;
            }

            Stored.Rows.RemoveAt(0);
            _compacted = true;
        }

        foreach (var signal in _signals)
        {
            (_services.Signals as PostgresSignals)?.PublishText(signal);
        }

        _signals.Clear();
        if (Stored.Outbox.Count > 0)
        {
            _delivery ??= this.RegisterGrainTimer(DeliverOutboxAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
            if (!_delivering)
            {
                _delivery.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }

        ScheduleDeadline();
        await KeepReminderAsync();
    }

    /// <summary>
    /// Sends the outbox in order, each message until its receiver acknowledges it. Runs interleaved with the grain's
    /// other calls (it only reads and trims the outbox between awaits), so a receiver that messages back is answered.
    /// </summary>
    private async Task DeliverOutboxAsync(CancellationToken cancellationToken)
    {
        if (_delivering)
        {
            return;
        }

        _delivering = true;
        try
        {
            while (Stored.Outbox.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                var next = Stored.Outbox[0];
                var target = GrainFactory.GetGrain<IActorGrain>(GrainId.Create(next.TargetType, next.TargetKey));
                try
                {
                    await target.DeliverAsync(new ActorEnvelope(next.Kind, next.Payload, next.EffectId));
                    _deliveryFailures = 0;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _deliveryFailures++;
                    if (_deliveryFailures < _services.Options.MaxDeliveryAttempts)
                    {
                        Log.DeliveryFailed(_services.Logger, exception, next.Kind, _deliveryFailures);
                        ActorTelemetry.Redeliveries.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", _actor.TypeName));
                        var delay = TimeSpan.FromTicks(Math.Min(
                            _services.Options.MaxRedeliveryDelay.Ticks, _services.Options.RedeliveryDelay.Ticks << Math.Min(_deliveryFailures - 1, 20)));
                        _delivery?.Change(delay, Timeout.InfiniteTimeSpan);
                        return;
                    }

                    Log.DeliveryAbandoned(_services.Logger, exception, next.Kind, _deliveryFailures);
                    ActorTelemetry.Abandoned.Add(1, new KeyValuePair<string, object?>("samverkan.actor.type", _actor.TypeName));
                    _deliveryFailures = 0;
                }

                // The outbox may have been restored by a failed write meanwhile: remove this message wherever it is.
                Stored.Outbox.RemoveAll(p => p.EffectId == next.EffectId);
                _compacted = true;
            }
        }
        finally
        {
            _delivering = false;
        }

        if (Stored.Outbox.Count == 0 && _compacted)
        {
            // Store the emptied outbox in a turn of its own (this timer interleaves with the grain's calls; writes must not).
            _ = this.AsReference<IActorGrain>().TickAsync();
        }
    }

    /// <summary>An in-memory timer on the service's clock for the earliest deadline (a test's clock fires it when moved).</summary>
    private void ScheduleDeadline()
    {
        var earliest = Stored.Timers.Count == 0 ? (DateTimeOffset?)null : Stored.Timers.Values.Min(t => t.DueAt);
        if (earliest == _deadlineAt)
        {
            return;
        }

        _deadline?.Dispose();
        _deadline = null;
        _deadlineAt = earliest;
        if (earliest is { } due)
        {
            var self = this.AsReference<IActorGrain>();
            var wait = due - _services.Clock.GetUtcNow();
            _deadline = _services.Clock.CreateTimer(_ => _ = self.TickAsync(), null, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// A reminder while there is work that must happen even if this grain is not active (timers, effects not yet carried
    /// out): due at the earliest deadline, then every <see cref="ActorGrainOptions.ReminderPeriod"/>. Registered and
    /// removed only when that changes: a reminder is a row in PostgreSQL.
    /// </summary>
    private async Task KeepReminderAsync()
    {
        var pending = Stored.Outbox.Count > 0 || Stored.Rows.Count > 0;
        if (Stored.Timers.Count == 0 && !pending)
        {
            if (_reminder && await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminder = false;
            _reminderDue = null;
            return;
        }

        var now = _services.Clock.GetUtcNow();
        var period = _services.Options.ReminderPeriod;
        var due = pending ? now + TimeSpan.FromMinutes(1) : Stored.Timers.Values.Min(t => t.DueAt);
        if (_reminder && _reminderDue is { } registered && registered <= due)
        {
            return;
        }

        var wait = due - now;
        await this.RegisterOrUpdateReminder(ReminderName, wait < TimeSpan.Zero ? TimeSpan.Zero : wait, period);
        _reminder = true;
        _reminderDue = due;
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        _store.State = Copy(_working);
        await _store.WriteStateAsync(cancellationToken);
    }

    private void Restore(ActorGrainState snapshot, (object State, bool Exists) before)
    {
        _working = snapshot;
        _activation.State = before.State;
        _activation.Exists = before.Exists;
        _activation.Dirty = false;
        _activation.Deleted = false;
    }

    private void Remember(List<string> recent, string id)
    {
        recent.Add(id);
        if (recent.Count > _services.Options.DeduplicationWindow)
        {
            recent.RemoveAt(0);
        }
    }

    private static ActorGrainState Copy(ActorGrainState state) => new()
    {
        State = state.State,
        StateVersion = state.StateVersion,
        Version = state.Version,
        NextEffect = state.NextEffect,
        Outbox = [.. state.Outbox],
        Rows = [.. state.Rows],
        Timers = new Dictionary<string, DueTimer>(state.Timers, StringComparer.Ordinal),
        RecentEffects = [.. state.RecentEffects],
        RecentCommands = [.. state.RecentCommands],
    };

    private static partial class Log
    {
        [LoggerMessage(1600, LogLevel.Warning, "A message of kind {Kind} was not delivered (attempt {Attempt}); it is sent again")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string kind, int attempt);

        [LoggerMessage(1601, LogLevel.Error, "A message of kind {Kind} was given up after {Attempts} failed deliveries")]
        public static partial void DeliveryAbandoned(ILogger logger, Exception exception, string kind, int attempts);

        [LoggerMessage(1602, LogLevel.Warning, "Read-model rows of a {ActorType} grain were not written; they are written on the next tick")]
        public static partial void RowsFailed(ILogger logger, Exception exception, string actorType);

        [LoggerMessage(1603, LogLevel.Error, "A timer of a {ActorType} grain failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception, string actorType);

        [LoggerMessage(1604, LogLevel.Debug, "Delivered messages could not be removed from the stored outbox on deactivation")]
        public static partial void CompactionFailed(ILogger logger, Exception exception);
    }
}
