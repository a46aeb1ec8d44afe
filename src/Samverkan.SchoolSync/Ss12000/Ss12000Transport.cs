using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Samverkan.SchoolSync.Ss12000;

/// <summary>
/// The HTTP clients of sources with a client certificate (mutual TLS): one <see cref="SocketsHttpHandler"/> per source and
/// revision of its settings, with the certificate in <see cref="SslClientAuthenticationOptions.ClientCertificates"/>; a
/// source without a certificate uses the shared client it is given. A changed source gets a new handler on its next request.
/// </summary>
public sealed class Ss12000Transport : IDisposable
{
    private readonly ConcurrentDictionary<string, (int Revision, HttpClient Client, X509Certificate2 Certificate)> _clients = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Tests: adjusts the TLS options of the certificate clients (for example, to trust a test server's own certificate).</summary>
    internal Action<SslClientAuthenticationOptions>? ConfigureTls { get; set; }

    public HttpClient For(SchoolSyncSource source, HttpClient shared)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.HasClientCertificate)
        {
            return shared;
        }

        if (_clients.TryGetValue(source.Name, out var cached) && cached.Revision == source.Revision)
        {
            return cached.Client;
        }

        lock (_gate)
        {
            if (_clients.TryGetValue(source.Name, out cached) && cached.Revision == source.Revision)
            {
                return cached.Client;
            }

            var certificate = source.LoadClientCertificate()!;
            var tls = new SslClientAuthenticationOptions { ClientCertificates = new X509CertificateCollection { certificate } };
            ConfigureTls?.Invoke(tls);
            var handler = new SocketsHttpHandler { SslOptions = tls, PooledConnectionLifetime = TimeSpan.FromMinutes(15) };
            var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            if (_clients.TryGetValue(source.Name, out var old))
            {
                // The run that used it is over (one runner per source, its runs one after another).
                old.Client.Dispose();
                old.Certificate.Dispose();
            }

            _clients[source.Name] = (source.Revision, client, certificate);
            return client;
        }
    }

    public void Dispose()
    {
        foreach (var (_, (_, client, certificate)) in _clients)
        {
            client.Dispose();
            certificate.Dispose();
        }

        _clients.Clear();
    }
}
