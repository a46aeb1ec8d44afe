using System.Collections.Concurrent;

namespace Samverkan.Actors.Runtime;

/// <summary>
/// Pending asks of this node, completed by the local worker that processed the request or by a
/// notification from the node that did. A completion without the reply means "read it from the table".
/// </summary>
internal sealed class ReplyRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ReplyRecord?>> _waiters = new(StringComparer.Ordinal);

    public TaskCompletionSource<ReplyRecord?> Register(string requestId)
    {
        var waiter = new TaskCompletionSource<ReplyRecord?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[requestId] = waiter;
        return waiter;
    }

    public void Unregister(string requestId, TaskCompletionSource<ReplyRecord?> waiter) =>
        _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<ReplyRecord?>>(requestId, waiter));

    public void Complete(ReplyRecord reply)
    {
        if (_waiters.TryGetValue(reply.RequestId, out var waiter))
        {
            waiter.TrySetResult(reply);
        }
    }

    /// <summary>Formats the notification for a reply: inline when it fits, else the id alone.</summary>
    public static string FormatNotification(ReplyRecord reply)
    {
        var inline = reply.Error is not null
            ? $"{reply.RequestId}\n!\n{reply.Error}"
            : $"{reply.RequestId}\n{reply.Kind}\n{reply.Json}";
        return System.Text.Encoding.UTF8.GetByteCount(inline) <= SignalText.MaxSignalBytes ? inline : reply.RequestId;
    }

    public void OnNotification(string payload)
    {
        var first = payload.IndexOf('\n', StringComparison.Ordinal);
        var requestId = first < 0 ? payload : payload[..first];
        if (!_waiters.TryGetValue(requestId, out var waiter))
        {
            return;
        }

        if (first < 0)
        {
            waiter.TrySetResult(null);
            return;
        }

        var second = payload.IndexOf('\n', first + 1);
        var kind = payload[(first + 1)..second];
        var rest = payload[(second + 1)..];
        waiter.TrySetResult(kind == "!"
            ? new ReplyRecord(requestId, null, null, rest)
            : new ReplyRecord(requestId, kind.Length == 0 ? null : kind, rest, null));
    }
}
