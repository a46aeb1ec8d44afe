using System.Globalization;
using System.Net;
using System.Text;
using Samverkan.Testing;

namespace Samverkan.Security.Tests;

/// <summary>Serves a JWKS document on a loopback port, as an identity provider's key endpoint does.</summary>
internal sealed class JwksServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _document;
    private int _requests;

    private JwksServer(string document, int port)
    {
        _document = document;
        Url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/jwks");
        _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static JwksServer Start(string document)
    {
        var server = new JwksServer(document, FreePort.Next());
        server._listener.Start();
        _ = Task.Run(server.ServeAsync);
        return server;
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

            Interlocked.Increment(ref _requests);
            var body = Encoding.UTF8.GetBytes(_document);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
