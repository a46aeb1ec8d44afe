using System.Text;
using System.Text.Json;

namespace Samverkan.Alerts.Tests;

/// <summary>One Server-Sent Event (or a comment line, with <see cref="Event"/> = <c>comment</c>).</summary>
internal sealed record SseEvent(string? Id, string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

/// <summary>Reads a text/event-stream response line by line, each read with a timeout.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    /// <summary>How long a read waits for the next event by default: a budget that holds on a loaded 2-core machine.</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> ConnectAsync(HttpClient client, string path = "/api/v1/alerts/stream", string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return new SseClient(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The next event or comment; throws <see cref="TimeoutException"/> when none comes in time.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(timeout ?? DefaultTimeout);
        string? id = null;
        string? kind = null;
        var data = new StringBuilder();
        try
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync(cancellation.Token) ?? throw new EndOfStreamException("The stream ended.");
                if (line.Length == 0)
                {
                    if (kind is null && data.Length == 0 && id is null)
                    {
                        continue; // e.g. after "retry:"
                    }

                    return new SseEvent(id, kind ?? "message", data.ToString());
                }

                if (line.StartsWith(':'))
                {
                    return new SseEvent(null, "comment", line[1..].Trim());
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        kind = value;
                        break;
                    case "data":
                        data.Append(data.Length > 0 ? "\n" : "").Append(value);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("No event in time.");
        }
    }

    /// <summary>The next event of the given kind, skipping comments and other kinds.</summary>
    public async Task<SseEvent> NextOfAsync(string kind, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var next = await NextAsync(deadline - DateTime.UtcNow);
            if (next.Event == kind)
            {
                return next;
            }
        }
    }

    /// <summary>Every event until the stream has been quiet for one keep-alive (the host sends one every 0.5 s).</summary>
    public async Task<List<SseEvent>> UntilKeepAliveAsync()
    {
        var events = new List<SseEvent>();
        while (true)
        {
            var next = await NextAsync();
            if (next.Event == "comment")
            {
                return events;
            }

            events.Add(next);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
