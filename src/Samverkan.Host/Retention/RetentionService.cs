using Samverkan.Domain.Common;
using Microsoft.Extensions.Options;

namespace Samverkan.Host.Retention;

/// <summary>Runs <see cref="RetentionJob"/> every <see cref="RetentionOptions.Interval"/> (on the host's clock).</summary>
internal sealed class RetentionService(RetentionJob job, IOptions<RetentionOptions> options, ServiceClock time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.InitialDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                await job.RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or Samverkan.Actors.ActorRequestFailedException or TimeoutException)
            {
                RetentionLog.Failed(logger, exception);
            }

            delay = options.Value.Interval;
        }
    }
}
