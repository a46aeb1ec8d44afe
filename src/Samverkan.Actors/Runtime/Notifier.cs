using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// Sends the runtime's notifications after the commits that caused them, coalesced, on a connection of its own
/// with <c>synchronous_commit = off</c>.
/// </summary>
/// <remarks>
/// PostgreSQL serializes every committing transaction that issued NOTIFY behind one lock held through its WAL
/// flush, so notifying inside the data transactions would turn group commit into one fsync per send. Notifications
/// are best effort by design (owners also poll; askers also read the table; clients resume from durable rows),
/// so sending them just after the commit, without waiting for their own flush, loses nothing that matters.
/// </remarks>
internal sealed class Notifier(ActorRuntimeServices services)
{
    private const string NotifySql = "select count(pg_notify($1, x)) from unnest($2::text[]) as x";

    private readonly ConcurrentDictionary<int, byte> _partitions = new();
    private readonly ConcurrentQueue<(string Channel, string Payload)> _messages = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _processId;

    /// <summary>The server process id of the connection notifications are sent on now (0 while there is none).</summary>
    public int ProcessId => Volatile.Read(ref _processId);

    public void Mailbox(int partition)
    {
        _partitions.TryAdd(partition, 0);
        _wake.Writer.TryWrite(true);
    }

    public void Send(string channel, string payload)
    {
        _messages.Enqueue((channel, payload));
        _wake.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            while (true)
            {
                try
                {
                    await _wake.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: send what is left, once.
                }

                var partitions = new List<string>();
                foreach (var partition in _partitions.Keys)
                {
                    if (_partitions.TryRemove(partition, out _))
                    {
                        partitions.Add(partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                var messages = new List<(string Channel, string Payload)>();
                while (_messages.TryDequeue(out var message))
                {
                    messages.Add(message);
                }

                if (partitions.Count + messages.Count > 0)
                {
                    try
                    {
                        connection ??= await OpenAsync().ConfigureAwait(false);
                        await using var batch = new NpgsqlBatch(connection);
                        if (partitions.Count > 0)
                        {
                            batch.BatchCommands.Add(Command(NotificationListener.MailboxChannel, [.. partitions]));
                        }

                        foreach (var group in messages.GroupBy(m => m.Channel))
                        {
                            batch.BatchCommands.Add(Command(group.Key, [.. group.Select(m => m.Payload)]));
                        }

                        await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
                    {
                        // Best effort: the pollers find the work; drop the connection and try again next time.
                        services.Logger.LogDebug(exception, "Could not send notifications");
                        if (connection is not null)
                        {
                            Volatile.Write(ref _processId, 0);
                            await connection.DisposeAsync().ConfigureAwait(false);
                            connection = null;
                        }
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                Volatile.Write(ref _processId, 0);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = await services.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("set synchronous_commit = off", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        Volatile.Write(ref _processId, connection.ProcessID);
        return connection;
    }

    private static NpgsqlBatchCommand Command(string channel, string[] payloads)
    {
        var command = new NpgsqlBatchCommand(NotifySql);
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payloads });
        return command;
    }
}
