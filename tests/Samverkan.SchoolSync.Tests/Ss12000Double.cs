using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Samverkan.Testing;

namespace Samverkan.SchoolSync.Tests;

/// <summary>
/// An SS 12000 v2.1 server on Kestrel (127.0.0.1, a free port): the list endpoints the connector reads, with
/// <c>meta.modified.after</c>, the organisation filters, <c>limit</c> and opaque <c>pageToken</c>s (which, as the
/// specification says, cannot be combined with other filters), <c>/calendarEvents/{id}</c>, <c>/deletedEntities</c>,
/// and an OAuth 2.0 client-credentials token endpoint. Faults on demand: 503/429 with <c>Retry-After</c>, malformed pages.
/// </summary>
public sealed class Ss12000Double : IAsyncDisposable
{
    public const string ClientId = "samverkan";
    public const string ClientSecret = "double-secret-1f6c";

    private static readonly string[] ListEndpoints = ["organisations", "persons", "placements", "duties", "groups", "attendances"];

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, Entity>> _entities = ListEndpoints.ToDictionary(e => e, _ => new Dictionary<string, Entity>(StringComparer.Ordinal));
    private readonly Dictionary<string, JsonNode> _calendarEvents = new(StringComparer.Ordinal);
    private readonly List<(string Kind, string Id, DateTimeOffset At)> _deleted = [];
    private readonly ConcurrentDictionary<string, (List<JsonNode> Items, int Offset)> _pages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _tokens = new(StringComparer.Ordinal);
    private readonly List<Fault> _faults = [];

    private readonly string? _clientThumbprint;

    private Ss12000Double(WebApplication app, int port, string? clientThumbprint)
    {
        _app = app;
        _clientThumbprint = clientThumbprint;
        var scheme = clientThumbprint is null ? "http" : "https";
        BaseUrl = new Uri($"{scheme}://127.0.0.1:{port}/ss12000/v2.1/");
        TokenUrl = new Uri($"{scheme}://127.0.0.1:{port}/oauth2/token");
    }

    /// <summary>Requests refused in the TLS handshake or without the client certificate (mutual TLS).</summary>
    public int CertificateRefusals { get; private set; }

    public Uri BaseUrl { get; }

    public Uri TokenUrl { get; }

    /// <summary>Token requests answered (the connector caches its token).</summary>
    public int TokenRequests { get; private set; }

    /// <summary>Every list, calendar-event and deletion request, as path and query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Faulty answers given (503/429).</summary>
    public int FaultsServed { get; private set; }

    /// <summary>
    /// Starts the double: plain HTTP with bearer tokens, or, with <paramref name="serverCertificate"/>, HTTPS that requires
    /// the client certificate <paramref name="clientCertificate"/> (Kestrel <see cref="ClientCertificateMode.RequireCertificate"/>)
    /// and takes that certificate as the client's authentication (no token needed).
    /// </summary>
    public static async Task<Ss12000Double> StartAsync(X509Certificate2? serverCertificate = null, X509Certificate2? clientCertificate = null)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        Ss12000Double? created = null;
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) =>
                    {
                        var valid = certificate.Thumbprint == clientCertificate?.Thumbprint;
                        if (!valid && created is not null)
                        {
                            created.CertificateRefusals++;
                        }

                        return valid;
                    };
                });
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var double_ = created = new Ss12000Double(app, port, serverCertificate is null ? null : clientCertificate?.Thumbprint);
        app.MapPost("/oauth2/token", (Delegate)double_.TokenAsync);
        app.MapGet("/ss12000/v2.1/calendarEvents/{id}", (string id, HttpContext http) => double_.CalendarEvent(id, http));
        app.MapGet("/ss12000/v2.1/deletedEntities", double_.Deleted);
        app.MapGet("/ss12000/v2.1/{endpoint}", (string endpoint, HttpContext http) => double_.List(endpoint, http));
        await app.StartAsync();
        return double_;
    }

    /// <summary>Adds or replaces an entity (a correction is a later <paramref name="modified"/>); <paramref name="organisations"/> are what the filters match.</summary>
    public void Put(string endpoint, string id, DateTimeOffset modified, IReadOnlyCollection<string> organisations, object body)
    {
        var node = JsonSerializer.SerializeToNode(body, Json)!.AsObject();
        node["id"] = id;
        node["meta"] = new JsonObject { ["created"] = Timestamp(modified), ["modified"] = Timestamp(modified) };
        lock (_gate)
        {
            if (_entities[endpoint].TryGetValue(id, out var earlier))
            {
                node["meta"]!["created"] = earlier.Body["meta"]!["created"]!.GetValue<string>();
            }

            _entities[endpoint][id] = new Entity(id, modified, [.. organisations], node);
        }
    }

    public JsonObject? Get(string endpoint, string id)
    {
        lock (_gate)
        {
            return _entities[endpoint].TryGetValue(id, out var entity) ? (JsonObject)entity.Body.DeepClone() : null;
        }
    }

    public int Count(string endpoint)
    {
        lock (_gate)
        {
            return _entities[endpoint].Count;
        }
    }

    public void PutCalendarEvent(string id, DateTimeOffset start, DateTimeOffset end, string activity)
    {
        lock (_gate)
        {
            _calendarEvents[id] = new JsonObject
            {
                ["id"] = id,
                ["meta"] = new JsonObject { ["created"] = Timestamp(start.AddDays(-30)), ["modified"] = Timestamp(start.AddDays(-30)) },
                ["activity"] = new JsonObject { ["id"] = activity },
                ["startTime"] = Timestamp(start),
                ["endTime"] = Timestamp(end),
                ["cancelled"] = false,
            };
        }
    }

    /// <summary>Removes an entity and lists it under <c>/deletedEntities</c> (deleted now, in real time: the source's clock).</summary>
    public void Delete(string endpoint, string id)
    {
        lock (_gate)
        {
            _entities[endpoint].Remove(id);
            _deleted.Add((endpoint, id, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>After <paramref name="afterPages"/> good pages of <paramref name="endpoint"/>, the next <paramref name="times"/> requests to it answer <paramref name="status"/>.</summary>
    public void Fail(string endpoint, int afterPages, int times, HttpStatusCode status, TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(endpoint, afterPages, times, status, retryAfter, Malformed: false));
        }
    }

    /// <summary>After <paramref name="afterPages"/> good pages of <paramref name="endpoint"/>, every page of it has an item without a required field, until <see cref="ClearFaults"/>.</summary>
    public void Malform(string endpoint, int afterPages)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(endpoint, afterPages, int.MaxValue, HttpStatusCode.OK, null, Malformed: true));
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + ClientSecret));
        if (form["grant_type"] != "client_credentials" || http.Request.Headers.Authorization != expected)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        TokenRequests++;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = true;
        return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 3600 });
    }

    private bool Authorised(HttpContext http) =>
        (_clientThumbprint is not null && http.Connection.ClientCertificate?.Thumbprint == _clientThumbprint) ||
        http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.ContainsKey(header[7..]);

    private IResult List(string endpoint, HttpContext http)
    {
        Requests.Enqueue(http.Request.Path + http.Request.QueryString);
        if (!Authorised(http))
        {
            return Results.Json(new { code = "Unauthorized", message = "No valid token." }, statusCode: 401);
        }

        if (!ListEndpoints.Contains(endpoint))
        {
            return Results.Json(new { code = "NotFound", message = "No such endpoint." }, statusCode: 404);
        }

        var query = http.Request.Query;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : 1000;
        List<JsonNode> items;
        int offset;
        if (query["pageToken"] is { Count: > 0 } pageToken)
        {
            if (query.Keys.Any(k => k is not ("pageToken" or "limit")))
            {
                return Results.Json(new { code = "BadRequest", message = "pageToken cannot be combined with other filters." }, statusCode: 400);
            }

            if (!_pages.TryRemove(pageToken.ToString(), out var page))
            {
                return Results.Json(new { code = "BadRequest", message = "Unknown pageToken." }, statusCode: 400);
            }

            (items, offset) = page;
        }
        else
        {
            var after = query["meta.modified.after"] is { Count: > 0 } a ? DateTimeOffset.Parse(a.ToString(), CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
            var organisation = query["organisation"].ToString() is { Length: > 0 } o ? o : query["relationship.organisation"].ToString() is { Length: > 0 } r ? r : null;
            var type = query["type"].ToString();
            lock (_gate)
            {
                items = [.. _entities[endpoint].Values
                    .Where(e => after is null || e.Modified > after)
                    .Where(e => organisation is null || e.Organisations.Contains(organisation))
                    .Where(e => type.Length == 0 || e.Body["organisationType"]?.GetValue<string>() == type)
                    .OrderBy(e => e.Modified).ThenBy(e => e.Id, StringComparer.Ordinal)
                    .Select(e => e.Body.DeepClone())];
            }

            offset = 0;
        }

        if (TakeFault(endpoint) is { } fault)
        {
            // The request failed: its page (and token) stays valid for the retry.
            if (offset > 0 || query["pageToken"].Count > 0)
            {
                _pages[query["pageToken"].ToString()] = (items, offset);
            }

            FaultsServed++;
            if (fault.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(new { code = "Unavailable", message = "Try again later." }, statusCode: (int)fault.Status);
        }

        var data = new JsonArray([.. items.Skip(offset).Take(limit).Select(i => i.DeepClone())]);
        if (MalformedNow(endpoint) && data.Count > 0)
        {
            // An item without a required field (the attendance's student, the person's id …).
            var broken = data[data.Count - 1]!.AsObject();
            broken.Remove(endpoint == "attendances" ? "student" : "id");
        }

        string? next = null;
        if (offset + limit < items.Count)
        {
            next = Guid.NewGuid().ToString("N");
            _pages[next] = (items, offset + limit);
        }

        CountGoodPage(endpoint);
        return Results.Json(new JsonObject { ["data"] = data, ["pageToken"] = next });
    }

    private IResult CalendarEvent(string id, HttpContext http)
    {
        Requests.Enqueue(http.Request.Path.ToString());
        if (!Authorised(http))
        {
            return Results.Json(new { code = "Unauthorized", message = "No valid token." }, statusCode: 401);
        }

        lock (_gate)
        {
            return _calendarEvents.TryGetValue(id, out var node)
                ? Results.Json(node)
                : Results.Json(new { code = "NotFound", message = "No such calendar event." }, statusCode: 404);
        }
    }

    private IResult Deleted(HttpContext http)
    {
        Requests.Enqueue(http.Request.Path + http.Request.QueryString);
        if (!Authorised(http))
        {
            return Results.Json(new { code = "Unauthorized", message = "No valid token." }, statusCode: 401);
        }

        var after = http.Request.Query["after"] is { Count: > 0 } a ? DateTimeOffset.Parse(a.ToString(), CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var data = new JsonObject();
        lock (_gate)
        {
            foreach (var kind in _deleted.Where(d => after is null || d.At > after).GroupBy(d => d.Kind))
            {
                data[kind.Key] = new JsonArray([.. kind.Select(d => (JsonNode)d.Id)]);
            }
        }

        return Results.Json(new JsonObject { ["data"] = data, ["pageToken"] = null });
    }

    private Fault? TakeFault(string endpoint)
    {
        lock (_gate)
        {
            var fault = _faults.FirstOrDefault(f => f.Endpoint == endpoint && !f.Malformed && f.AfterPages <= 0 && f.Times > 0);
            if (fault is null)
            {
                return null;
            }

            _faults[_faults.IndexOf(fault)] = fault with { Times = fault.Times - 1 };
            return fault;
        }
    }

    private bool MalformedNow(string endpoint)
    {
        lock (_gate)
        {
            return _faults.Any(f => f.Endpoint == endpoint && f.Malformed && f.AfterPages <= 0);
        }
    }

    private void CountGoodPage(string endpoint)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                if (_faults[i].Endpoint == endpoint && _faults[i].AfterPages > 0)
                {
                    _faults[i] = _faults[i] with { AfterPages = _faults[i].AfterPages - 1 };
                }
            }
        }
    }

    private sealed record Entity(string Id, DateTimeOffset Modified, string[] Organisations, JsonObject Body);

    private sealed record Fault(string Endpoint, int AfterPages, int Times, HttpStatusCode Status, TimeSpan? RetryAfter, bool Malformed);
}
