using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
}

public sealed partial class SchoolSyncGrain(SchoolSyncEngine engine, IOptionsMonitor<SchoolSyncOptions> options, ILogger<SchoolSyncGrain> logger)
    : Grain, ISchoolSyncGrain, IRemindable
{
    public const string Reminder = "school-sync";

    /// <summary>Orleans' shortest reminder period.</summary>
    public static readonly TimeSpan MinimumPollInterval = TimeSpan.FromMinutes(1);

    private Task<SyncRunResult>? _running;

    public async Task ScheduleAsync()
    {
        var source = Source();
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
        SchoolSyncSource source;
        try
        {
            source = Source();
        }
        catch (InvalidOperationException)
        {
            // No longer configured: stop polling it.
            Log.Unconfigured(logger, this.GetPrimaryKeyString());
            if (await this.GetReminder(Reminder).ConfigureAwait(true) is { } reminder)
            {
                await this.UnregisterReminder(reminder).ConfigureAwait(true);
            }

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

    private SchoolSyncSource Source()
    {
        var name = this.GetPrimaryKeyString();
        return options.CurrentValue.Sources.FirstOrDefault(s => s.Name == name)
            ?? throw new InvalidOperationException($"No SS 12000 source {name} is configured.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7120, Level = LogLevel.Warning, Message = "SS 12000 source {Source} is no longer configured; its reminder is removed.")]
        public static partial void Unconfigured(ILogger logger, string source);

        [LoggerMessage(EventId = 7121, Level = LogLevel.Error, Message = "SS 12000 source {Source}: the run failed ({Fault}).")]
        public static partial void RunFailed(ILogger logger, string source, string fault);
    }
}
