using System.Globalization;
using System.Net;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>A webhook receiver on a free loopback port: answers 204 to every POST and keeps the bodies it was sent.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string> _bodies = [];

    private WebhookReceiver(int port)
    {
        Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/hook");
        _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    public string Url { get; }

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    public static WebhookReceiver Start()
    {
        var receiver = new WebhookReceiver(FreePort.Next());
        receiver._listener.Start();
        _ = Task.Run(receiver.ServeAsync);
        return receiver;
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = await reader.ReadToEndAsync();
                lock (_bodies)
                {
                    _bodies.Add(body);
                }
            }

            context.Response.StatusCode = (int)HttpStatusCode.NoContent;
            context.Response.Close();
        }
    }
}
