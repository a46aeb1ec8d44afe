using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// The signals between nodes on PostgreSQL LISTEN/NOTIFY: one listening connection per node, which reconnects by itself
/// and raises <see cref="Reconnected"/> (notifications sent while it was away are gone); one sending connection, which
/// coalesces what was published since its last round trip into one batch.
/// </summary>
/// <remarks>
/// <para>Orleans has no broadcast to every silo that a subscriber outside a grain (an SSE stream, a cache) can use, and its
/// streams need a queue provider our feed does not serve; NOTIFY is what PostgreSQL gives every node at no cost, and a
/// signal is only a wake-up: subscribers re-read durable rows after a reconnect.</para>
/// <para>This node's own signals go to its subscribers at once, in publish order, off the publishing thread, and the
/// listener skips them when they come back. NOTIFY is sent on a connection with <c>synchronous_commit = off</c>:
/// PostgreSQL serializes every committing transaction that issued NOTIFY behind one lock held through its WAL flush,
/// and a signal needs no durability.</para>
/// </remarks>
public sealed partial class PostgresSignals : IActorSignals, IHostedService, IAsyncDisposable
{
    public const string Channel = "samverkan_signals";

    private const string NotifySql = "select count(pg_notify($1, x)) from unnest($2::text[]) as x";

    private readonly NpgsqlDataSource _dataSource;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Channel<string> _local = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<string> _outgoing = new();
    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Never disposed: the host may stop this service after the container disposed it (WebApplicationFactory does), and
    // a source without a timer holds nothing that needs disposing.
    private readonly CancellationTokenSource _stopping = new();
    private Subscription[] _subscriptions = [];
    private Task _loops = Task.CompletedTask;
    private int _sendingProcessId;
    private int _started;

    public PostgresSignals(NpgsqlDataSource dataSource, JsonSerializerOptions json, ILogger<PostgresSignals> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(logger);
        _dataSource = dataSource;
        _json = json;
        _logger = logger;
    }

    public event Action? Reconnected;

    /// <summary>True while the listening connection is open (readiness: without it this node misses other nodes' signals).</summary>
    public bool IsListening { get; private set; }

    public IDisposable Subscribe(string topicPrefix, Action<ActorSignal> onSignal)
    {
        ArgumentNullException.ThrowIfNull(topicPrefix);
        ArgumentNullException.ThrowIfNull(onSignal);
        var subscription = new Subscription(this, topicPrefix, onSignal);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    public void Publish(string topic, object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        PublishText(SignalText.Format(topic, JsonSerializer.Serialize(payload, payload.GetType(), _json)));
    }

    /// <summary>A signal already formatted (<see cref="SignalText"/>): this node's subscribers, then the other nodes.</summary>
    internal void PublishText(string text)
    {
        _local.Writer.TryWrite(text);
        _outgoing.Enqueue(text);
        _wake.Writer.TryWrite(true);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        var stopping = _stopping.Token;
        _loops = Task.WhenAll(
            Task.Run(() => ListenAsync(stopping), CancellationToken.None),
            Task.Run(() => SendAsync(stopping), CancellationToken.None),
            Task.Run(DispatchLocalAsync, CancellationToken.None));

        // Signals of other nodes reach this one from here on; a database that is not there yet only delays readiness.
        try
        {
            await _firstConnect.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.NotListeningYet(_logger);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _local.Writer.TryComplete();
        await _loops.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the connections if the host did not (idempotent: the container may dispose it more than once).</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"listen {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                IsListening = true;
                delay = TimeSpan.FromMilliseconds(100);
                Log.Listening(_logger);
                _firstConnect.TrySetResult();
                RaiseReconnected();
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
                IsListening = false;
                Log.ListenerLost(_logger, exception);
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

        IsListening = false;
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        // This node's own signals were dispatched when they were published.
        if (e.Channel == Channel && e.PID != Volatile.Read(ref _sendingProcessId))
        {
            Dispatch(e.Payload);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
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

                var texts = new List<string>();
                while (_outgoing.TryDequeue(out var text))
                {
                    texts.Add(text);
                }

                if (texts.Count > 0)
                {
                    try
                    {
                        connection ??= await OpenSenderAsync().ConfigureAwait(false);
                        await using var command = new NpgsqlCommand(NotifySql, connection);
                        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
                        command.Parameters.Add(new NpgsqlParameter { Value = texts.ToArray() });
                        await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
                    {
                        // Best effort: subscribers re-read after a reconnect; drop the connection and try again next time.
                        Log.SendFailed(_logger, exception);
                        if (connection is not null)
                        {
                            Volatile.Write(ref _sendingProcessId, 0);
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
                Volatile.Write(ref _sendingProcessId, 0);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<NpgsqlConnection> OpenSenderAsync()
    {
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("set synchronous_commit = off", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        Volatile.Write(ref _sendingProcessId, connection.ProcessID);
        return connection;
    }

    private async Task DispatchLocalAsync()
    {
        await foreach (var text in _local.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Dispatch(text);
        }
    }

    private void Dispatch(string text)
    {
        var separator = text.IndexOf('\n', StringComparison.Ordinal);
        if (separator < 0)
        {
            return;
        }

        var signal = new ActorSignal(text[..separator], text[(separator + 1)..]);
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (!signal.Topic.StartsWith(subscription.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                subscription.Handler(signal);
            }
            catch (Exception exception)
            {
                Log.SubscriberFailed(_logger, exception);
            }
        }
    }

    private void RaiseReconnected()
    {
        try
        {
            Reconnected?.Invoke();
        }
        catch (Exception exception)
        {
            Log.SubscriberFailed(_logger, exception);
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    private sealed class Subscription(PostgresSignals owner, string prefix, Action<ActorSignal> handler) : IDisposable
    {
        public string Prefix { get; } = prefix;

        public Action<ActorSignal> Handler { get; } = handler;

        public void Dispose() => owner.Remove(this);
    }

    private static partial class Log
    {
        [LoggerMessage(1009, LogLevel.Warning, "The signal listener lost its connection; reconnecting")]
        public static partial void ListenerLost(ILogger logger, Exception exception);

        [LoggerMessage(1010, LogLevel.Information, "The signal listener is connected")]
        public static partial void Listening(ILogger logger);

        [LoggerMessage(1013, LogLevel.Warning, "A signal subscriber failed")]
        public static partial void SubscriberFailed(ILogger logger, Exception exception);

        [LoggerMessage(1017, LogLevel.Debug, "Could not send signals")]
        public static partial void SendFailed(ILogger logger, Exception exception);

        [LoggerMessage(1018, LogLevel.Warning, "The signal listener is not connected yet; this node receives other nodes' signals once it is")]
        public static partial void NotListeningYet(ILogger logger);
    }
}
