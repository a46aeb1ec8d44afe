using Npgsql;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// One LISTEN connection per node for the runtime's channels. Reconnects by itself; after every (re)connect it
/// tells the node to look for work, since notifications sent while it was away are gone.
/// </summary>
internal sealed class NotificationListener(
    ActorRuntimeServices services,
    SignalHub signals,
    Action<int> onMailbox,
    Action onRebalance,
    Action onConnected)
{
    public const string MailboxChannel = "samverkan_mailbox";
    public const string RepliesChannel = "samverkan_replies";
    public const string SignalsChannel = "samverkan_signals";
    public const string RebalanceChannel = "samverkan_rebalance";

    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsConnected { get; private set; }

    public Task FirstConnect => _firstConnect.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await services.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand(
                    $"listen {MailboxChannel}; listen {RepliesChannel}; listen {SignalsChannel}; listen {RebalanceChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                IsConnected = true;
                delay = TimeSpan.FromMilliseconds(100);
                ActorLog.ListenerConnected(services.Logger);
                _firstConnect.TrySetResult();
                onConnected();
                signals.RaiseReconnected();
                while (!cancellationToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false))
                    {
                        // Quiet for a while: make sure the connection is still there.
                        await using var ping = new NpgsqlCommand("select 1", connection);
                        await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                IsConnected = false;
                ActorLog.ListenerDisconnected(services.Logger, exception);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }

        IsConnected = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        switch (e.Channel)
        {
            case MailboxChannel when int.TryParse(e.Payload, out var partition):
                onMailbox(partition);
                break;
            case RepliesChannel:
                services.Replies.OnNotification(e.Payload);
                break;
            case SignalsChannel when e.PID != services.Notifier.ProcessId:
                // This node's own signals were dispatched when they committed.
                signals.Dispatch(e.Payload);
                break;
            case RebalanceChannel:
                onRebalance();
                break;
        }
    }
}
