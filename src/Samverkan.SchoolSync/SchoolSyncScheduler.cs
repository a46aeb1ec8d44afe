using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Samverkan.SchoolSync;

/// <summary>
/// On every node, once its silo is an active member: makes sure each configured source's grain has its reminder (the
/// registration is idempotent; the reminder, and so the runner, is one per source in the cluster whichever node asks).
/// </summary>
public sealed partial class SchoolSyncScheduler(
    IGrainFactory grains, ISiloStatusOracle membership, IOptions<SchoolSyncOptions> options, ILogger<SchoolSyncScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = options.Value.Sources.Select(s => s.Name).ToList();
        while (pending.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            if (membership.CurrentStatus == SiloStatus.Active)
            {
                foreach (var source in pending.ToList())
                {
                    try
                    {
                        await grains.GetGrain<ISchoolSyncGrain>(source).ScheduleAsync().WaitAsync(stoppingToken).ConfigureAwait(false);
                        pending.Remove(source);
                        Log.Scheduled(logger, source);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Log.NotYet(logger, source, exception.GetType().Name);
                    }
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(Poll, stoppingToken).ConfigureAwait(false);
            }
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
