using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Samverkan.SchoolSync;

/// <summary>
/// On every node, once its silo is an active member: makes sure each source's grain has its reminder (the registration is
/// idempotent; the reminder, and so the runner, is one per source in the cluster whichever node asks). Configured sources
/// and those registered through the API alike; every <see cref="SchoolSyncOptions.RescanInterval"/> it looks again for
/// registered sources it has not scheduled at their current version (the API schedules a new one at once as well).
/// </summary>
public sealed partial class SchoolSyncScheduler(
    IGrainFactory grains, ISiloStatusOracle membership, SchoolSyncSources sources, IOptions<SchoolSyncOptions> options, ILogger<SchoolSyncScheduler> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduled = new Dictionary<string, int>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            var pending = false;
            if (membership.CurrentStatus == SiloStatus.Active)
            {
                List<(string Name, int Revision)> names;
                try
                {
                    names = await sources.NamesAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.NotYet(logger, "*", exception.GetType().Name);
                    names = [];
                    pending = true;
                }

                // A removed source is forgotten: registered again under its id, it is scheduled again (its version restarts).
                foreach (var gone in scheduled.Keys.Where(k => !pending && !names.Any(n => n.Name == k)).ToList())
                {
                    scheduled.Remove(gone);
                }

                foreach (var (name, revision) in names.Where(n => !scheduled.TryGetValue(n.Name, out var done) || done != n.Revision))
                {
                    try
                    {
                        await grains.GetGrain<ISchoolSyncGrain>(name).ScheduleAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
                        scheduled[name] = revision;
                        Log.Scheduled(logger, name);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        pending = true;
                        Log.NotYet(logger, name, exception.GetType().Name);
                    }
                }
            }
            else
            {
                pending = true;
            }

            await Task.Delay(pending ? Poll : options.Value.RescanInterval, stoppingToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7130, Level = LogLevel.Information, Message = "SS 12000 source {Source} is scheduled.")]
        public static partial void Scheduled(ILogger logger, string source);

        [LoggerMessage(EventId = 7131, Level = LogLevel.Debug, Message = "SS 12000 source {Source} not scheduled yet ({Fault}); retrying.")]
        public static partial void NotYet(ILogger logger, string source, string fault);
    }
}
