using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Samverkan.Alerts.Tests;

/// <summary>One request the receiver got: headers that matter and the exact body.</summary>
internal sealed record ReceivedRequest(string? DeliveryId, string? Timestamp, string? Signature, string? ContentType, byte[] Body, int AnsweredWith);

/// <summary>
/// An organisation's system on a free loopback port (Kestrel): answers 500 to its first <c>failFirst</c> requests, then
/// 200. Records every request, and, like a careful receiver, handles each delivery id once (<see cref="Handled"/>).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _handled = new(StringComparer.Ordinal);
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        _app = app;
        _failuresLeft = failFirst;
        app.MapPost("/hooks/alerts", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            var request = new ReceivedRequest(
                http.Request.Headers["Samverkan-Delivery-Id"].ToString(),
                http.Request.Headers["Samverkan-Timestamp"].ToString(),
                http.Request.Headers["Samverkan-Signature"].ToString(),
                http.Request.ContentType,
                buffer.ToArray(),
                status);
            Requests.Enqueue(request);
            if (status == StatusCodes.Status200OK && request.DeliveryId is { Length: > 0 } id)
            {
                _handled.TryAdd(id, request.Body); // A redelivery of a handled id is acknowledged and ignored.
            }

            return Results.StatusCode(status);
        });
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Deliveries the receiver's own logic handled: one per delivery id.</summary>
    public IReadOnlyDictionary<string, byte[]> Handled => _handled;

    public string Url => _app.Urls.Single() + "/hooks/alerts";

    /// <summary>Makes the receiver fail its next <paramref name="count"/> requests.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<WebhookReceiver> StartAsync(int failFirst)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build(), failFirst);
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
