using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;

namespace Samverkan.SchoolSync.Ss12000;

/// <summary>
/// OAuth 2.0 client credentials (RFC 6749 §4.4) per source: the access token is asked for with HTTP Basic client
/// authentication and cached until shortly before it expires. The secret and the token are never logged.
/// </summary>
public sealed class Ss12000TokenCache(IHttpClientFactory clients, Ss12000Transport transport, TimeProvider time) : IDisposable
{
    /// <summary>A token is renewed this long before its <c>expires_in</c> runs out.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    /// <summary>The named HttpClient the token requests go through.</summary>
    public const string HttpClientName = "ss12000-token";

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> GetAsync(SchoolSyncSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = Key(source);
        if (_tokens.TryGetValue(key, out var cached) && cached.RenewAt > time.GetUtcNow())
        {
            return cached.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tokens.TryGetValue(key, out cached) && cached.RenewAt > time.GetUtcNow())
            {
                return cached.Token;
            }

            var token = await RequestAsync(source, cancellationToken).ConfigureAwait(false);
            _tokens[key] = token;
            return token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Forgets the source's token (after a 401), so the next request asks for a new one.</summary>
    public void Invalidate(SchoolSyncSource source) => _tokens.TryRemove(Key(source), out _);

    /// <summary>Per source and revision: changed credentials ask for a new token.</summary>
    private static string Key(SchoolSyncSource source) => source.Name + "/" + source.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(string Token, DateTimeOffset RenewAt)> RequestAsync(SchoolSyncSource source, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (source.Scope is { Length: > 0 } scope)
        {
            form.Add(new("scope", scope));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, source.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        var credentials = Uri.EscapeDataString(source.ClientId) + ":" + Uri.EscapeDataString(source.ClientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        HttpResponseMessage response;
        try
        {
            response = await transport.For(source, clients.CreateClient(HttpClientName)).SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new Ss12000UnavailableException("The token endpoint did not answer.", exception);
        }

        using (response)
        {
            if ((int)response.StatusCode is 429 or >= 500)
            {
                throw new Ss12000UnavailableException($"The token endpoint answered {(int)response.StatusCode}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new Ss12000RefusedException($"The token endpoint refused the client ({(int)response.StatusCode}).");
            }

            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false);
            if (body?.AccessToken is not { Length: > 0 } token)
            {
                throw new Ss12000RefusedException("The token endpoint answered no access_token.");
            }

            var lifetime = TimeSpan.FromSeconds(Math.Max(body.ExpiresIn ?? 300, 0));
            return (token, time.GetUtcNow() + lifetime - Margin);
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn,
        [property: JsonPropertyName("token_type")] string? TokenType);
}
