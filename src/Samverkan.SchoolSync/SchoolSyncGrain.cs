using Microsoft.Extensions.Logging;

namespace Samverkan.SchoolSync;

/// <summary>The outcome of a run as the grain answers it (serializable; no personal data).</summary>
[GenerateSerializer]
[Alias("samverkan.school-sync.run.v1")]
public sealed record SyncRunResult(
    [property: Id(0)] string Source,
    [property: Id(1)] DateTimeOffset Started,
    [property: Id(2)] DateTimeOffset Finished,
    [property: Id(3)] string? ErrorCode,
    [property: Id(4)] string? Error,
    [property: Id(5)] Dictionary<string, int> Items)
{
    public bool Succeeded => ErrorCode is null;

    public int Count(string counter) => Items.GetValueOrDefault(counter);
}

/// <summary>
/// The one runner of a source in the cluster (key: the source's name): Orleans keeps a single activation per key, its
/// turns do not interleave, and a reminder (durable, in PostgreSQL) wakes it every poll interval on whichever silo.
/// </summary>
[Alias("samverkan.school-sync")]
public interface ISchoolSyncGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) the reminder that keeps the source polled.</summary>
    [Alias("schedule")]
    Task ScheduleAsync();

    /// <summary>Runs a sync now (after a run under way, if any) and answers what it did.</summary>
    [Alias("sync-now")]
    Task<SyncRunResult> SyncNowAsync();

    /// <summary>Starts a run now unless one is under way, without waiting for it; answers whether it started one.</summary>
    [Alias("request-sync")]
    Task<bool> RequestSyncAsync();

    /// <summary>Stops polling the source (it was removed): its reminder goes.</summary>
    [Alias("unschedule")]
    Task UnscheduleAsync();
}

public sealed partial class SchoolSyncGrain(SchoolSyncEngine engine, SchoolSyncSources sources, SchoolSyncStore store, ILogger<SchoolSyncGrain> logger)
    : Grain, ISchoolSyncGrain, IRemindable
{
    public const string Reminder = "school-sync";

    /// <summary>Orleans' shortest reminder period.</summary>
    public static readonly TimeSpan MinimumPollInterval = TimeSpan.FromMinutes(1);

    private Task<SyncRunResult>? _running;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await store.LastSuccessAsync(this.GetPrimaryKeyString(), cancellationToken).ConfigureAwait(true) is { } lastSuccess)
            {
                SchoolSyncMetrics.Seen(this.GetPrimaryKeyString(), lastSuccess);
            }
        }
        catch (Npgsql.NpgsqlException)
        {
            // Only the lag gauge's starting point: the next successful run sets it.
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SchoolSyncMetrics.Forget(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task ScheduleAsync()
    {
        var source = await SourceAsync().ConfigureAwait(true)
            ?? throw new InvalidOperationException($"No SS 12000 source {this.GetPrimaryKeyString()} is configured or registered.");
        var period = source.PollInterval < MinimumPollInterval ? MinimumPollInterval : source.PollInterval;
        await this.RegisterOrUpdateReminder(Reminder, period, period).ConfigureAwait(true);
    }

    public async Task<SyncRunResult> SyncNowAsync()
    {
        if (_running is { IsCompleted: false } running)
        {
            await running.ConfigureAwait(true);
        }

        return await StartRun().ConfigureAwait(true);
    }

    public Task<bool> RequestSyncAsync()
    {
        if (_running is { IsCompleted: false })
        {
            return Task.FromResult(false);
        }

        _ = StartRun();
        return Task.FromResult(true);
    }

    public async Task UnscheduleAsync()
    {
        if (await this.GetReminder(Reminder).ConfigureAwait(true) is { } reminder)
        {
            await this.UnregisterReminder(reminder).ConfigureAwait(true);
        }

        SchoolSyncMetrics.Forget(this.GetPrimaryKeyString());
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder's turn only starts the run; a run still going from the last tick is left alone.
        if (reminderName == Reminder && _running is not { IsCompleted: false })
        {
            _ = StartRun();
        }

        return Task.CompletedTask;
    }

    private Task<SyncRunResult> StartRun()
    {
        var run = RunAsync();
        _running = run;
        return run;
    }

    private async Task<SyncRunResult> RunAsync()
    {
        SchoolSyncSource? source;
        try
        {
            source = await SourceAsync().ConfigureAwait(true);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The registered source could not be read (the database is away, or its secret cannot be unprotected).
            Log.RunFailed(logger, this.GetPrimaryKeyString(), exception.GetType().Name);
            return new SyncRunResult(this.GetPrimaryKeyString(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "Error", exception.GetType().Name, []);
        }

        if (source is null)
        {
            // Neither configured nor registered any longer: stop polling it.
            Log.Unconfigured(logger, this.GetPrimaryKeyString());
            await UnscheduleAsync().ConfigureAwait(true);
            return new SyncRunResult(this.GetPrimaryKeyString(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "Unconfigured", "The source is not configured.", []);
        }

        // Keep the activation while the run lasts (a long first sync outlives the idle timeout).
        DelayDeactivation(TimeSpan.FromHours(2));
        try
        {
            var report = await engine.RunAsync(source, CancellationToken.None).ConfigureAwait(true);
            return new SyncRunResult(report.Source, report.Started, report.Finished, report.ErrorCode, report.Error, new Dictionary<string, int>(report.Items, StringComparer.Ordinal));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The run could not even record its start (the database is away): answered, never an unobserved fault of a reminder's run.
            Log.RunFailed(logger, source.Name, exception.GetType().Name);
            return new SyncRunResult(source.Name, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "Error", exception.GetType().Name, []);
        }
    }

    /// <summary>The source as it is now (configuration, or the API's registration at its latest version).</summary>
    private Task<SchoolSyncSource?> SourceAsync() => sources.FindAsync(this.GetPrimaryKeyString(), CancellationToken.None);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7120, Level = LogLevel.Warning, Message = "SS 12000 source {Source} is no longer configured or registered; its reminder is removed.")]
        public static partial void Unconfigured(ILogger logger, string source);

        [LoggerMessage(EventId = 7121, Level = LogLevel.Error, Message = "SS 12000 source {Source}: the run failed ({Fault}).")]
        public static partial void RunFailed(ILogger logger, string source, string fault);
    }
}
