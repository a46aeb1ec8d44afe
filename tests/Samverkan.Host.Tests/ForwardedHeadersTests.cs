using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Samverkan.Testing;

namespace Samverkan.Host.Tests;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto change the client's address and scheme only when the connection comes from a
/// proxy of <c>Samverkan:Proxy</c>; by default nobody is believed. The in-memory server has no peer address, so each
/// request names the address it comes from in a test header, set as the connection's before the host's middleware.
/// </summary>
public sealed class ForwardedHeadersTests(PostgresServerFixture postgres)
{
    private const string PeerHeader = "X-Test-Peer";
    private const string Proxy = "10.0.0.5";
    private const string Client = "203.0.113.7";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FromAKnownProxy_TheForwardedClientAndSchemeAreSeen()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = Host(database, ("Samverkan:Proxy:KnownProxies:0", Proxy));
        using var client = factory.CreateClient();

        var seen = await ConnectionAsync(client, Proxy, forwardedFor: Client, forwardedProto: "https");

        seen.RemoteIp.ShouldBe(Client);
        seen.Scheme.ShouldBe("https");
        seen.IsHttps.ShouldBeTrue();
    }

    [Fact]
    public async Task FromAKnownNetwork_TheForwardedClientIsSeen_AndOnlyAsManyHopsAsTheForwardLimit()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = Host(database, ("Samverkan:Proxy:KnownNetworks:0", "10.0.0.0/8"));
        using var client = factory.CreateClient();

        // A client may send its own X-Forwarded-For; the proxy appends the address it saw. One hop is believed.
        var seen = await ConnectionAsync(client, "10.20.30.40", forwardedFor: "198.51.100.1, " + Client, forwardedProto: "https");

        seen.RemoteIp.ShouldBe(Client);
        seen.Scheme.ShouldBe("https");
    }

    [Theory]
    [InlineData("192.0.2.9", "Samverkan:Proxy:KnownProxies:0", Proxy)]
    [InlineData("192.0.2.9", "Samverkan:Proxy:KnownNetworks:0", "10.0.0.0/8")]
    [InlineData("127.0.0.1", null, null)]
    [InlineData(Proxy, null, null)]
    public async Task FromAnyoneElse_OrWithNoProxyConfigured_TheHeadersAreIgnored(string peer, string? key, string? value)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = key is null ? Host(database) : Host(database, (key, value!));
        using var client = factory.CreateClient();

        var seen = await ConnectionAsync(client, peer, forwardedFor: Client, forwardedProto: "https");

        seen.RemoteIp.ShouldBe(peer);
        seen.Scheme.ShouldBe("http");
        seen.IsHttps.ShouldBeFalse();
    }

    /// <summary>The language cookie is Secure exactly when the request was HTTPS: behind the TLS-terminating proxy, by its header.</summary>
    [Theory]
    [InlineData(Proxy, true)]
    [InlineData("192.0.2.9", false)]
    public async Task ACookie_IsSecure_WhenATrustedProxySaysTheClientUsedHttps(string peer, bool secure)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = Host(database, ("Samverkan:Proxy:KnownProxies:0", Proxy));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/language")
        {
            Content = new FormUrlEncodedContent([new("language", "en"), new("returnUrl", "/")]),
        };
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-For", Client);
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request, Token);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        cookie.Contains("secure", StringComparison.OrdinalIgnoreCase).ShouldBe(secure, cookie);
    }

    /// <summary>The rate limit per address counts the client behind a trusted proxy, and the sender of anything else.</summary>
    [Fact]
    public async Task TheRateLimitPerAddress_CountsTheForwardedClient_OnlyFromATrustedProxy()
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = Host(
            database,
            ("Samverkan:Proxy:KnownProxies:0", Proxy),
            ("Samverkan:RateLimits:Enabled", "true"),
            ("Samverkan:RateLimits:PermitsPerAddress", "1"),
            ("Samverkan:RateLimits:Window", "01:00:00"));
        using var client = factory.CreateClient();

        // Two clients behind the proxy: one permit each.
        (await SendAsync(client, Proxy, "198.51.100.1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(client, Proxy, "198.51.100.2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(client, Proxy, "198.51.100.2")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // An untrusted sender cannot get fresh permits by naming other clients.
        (await SendAsync(client, "192.0.2.9", "198.51.100.3")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(client, "192.0.2.9", "198.51.100.4")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Theory]
    [InlineData("Samverkan:Proxy:KnownProxies:0", "not-an-address")]
    [InlineData("Samverkan:Proxy:KnownNetworks:0", "10.0.0.0")]
    [InlineData("Samverkan:Proxy:ForwardLimit", "0")]
    public async Task AnInvalidProxySetting_StopsTheStart(string key, string value)
    {
        await using var database = await postgres.CreateDatabaseAsync(cancellationToken: Token);
        await using var factory = Host(database, (key, value));

        Should.Throw<OptionsValidationException>(() => factory.CreateClient()).Message.ShouldContain("Samverkan:Proxy");
    }

    private static SamverkanHostFactory Host(TestDatabase database, params (string Key, string Value)[] settings) =>
        new(database.ConnectionString, builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, PeerAddress>());
        });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string peer, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/connection");
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request, Token);
    }

    private static async Task<SeenConnection> ConnectionAsync(HttpClient client, string peer, string forwardedFor, string forwardedProto)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/connection");
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        var response = await client.SendAsync(request, Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Token));
        return JsonSerializer.Deserialize<SeenConnection>(await response.Content.ReadAsStringAsync(Token), JsonSerializerOptions.Web)!;
    }

    private sealed record SeenConnection(string Scheme, string? RemoteIp, bool IsHttps);

    /// <summary>Sets the connection's address from the test header, before any of the host's middleware.</summary>
    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[PeerHeader].ToString(), out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
