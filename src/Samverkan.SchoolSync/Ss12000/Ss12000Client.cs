using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Samverkan.SchoolSync.Ss12000;

/// <summary>
/// The SS 12000 v2.1 API of one source (a typed <see cref="HttpClient"/>): list endpoints page by page
/// (<c>limit</c>; the first request with the filters, then <c>pageToken</c> with <c>limit</c> only, as the
/// specification requires), bearer tokens from <see cref="Ss12000TokenCache"/>. A 429 or 5xx (or no answer) is
/// retried after <c>Retry-After</c> or a bounded exponential backoff; a page that does not parse is refused whole.
/// </summary>
public sealed partial class Ss12000Client(
    HttpClient http, Ss12000TokenCache tokens, Ss12000Transport transport, SchoolSyncStore store, IOptions<SchoolSyncOptions> options, ILogger<Ss12000Client> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Waits between attempts; replaced in tests that must not wait.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <summary>One page of a list endpoint (<c>organisations</c>, <c>persons</c>, …), parsed; not yet validated item by item.</summary>
    public async Task<Ss12000Page<T>> GetPageAsync<T>(
        SchoolSyncSource source, string path, IEnumerable<KeyValuePair<string, string>> filters, string? pageToken, CancellationToken cancellationToken)
    {
        var query = pageToken is null ? [.. filters] : new List<KeyValuePair<string, string>> { new("pageToken", pageToken) };
        query.Add(new("limit", options.Value.PageSize.ToString(CultureInfo.InvariantCulture)));
        var page = await GetAsync<Ss12000Page<T>>(source, path, query, cancellationToken).ConfigureAwait(false);
        if (page?.Data is null)
        {
            throw new Ss12000MalformedPageException($"A page of {path} has no data array.");
        }

        return page;
    }

    /// <summary>One page of <c>/deletedEntities</c> (its <c>data</c> is an object of id lists).</summary>
    public async Task<Ss12000DeletedPage> GetDeletedPageAsync(SchoolSyncSource source, DateTimeOffset? after, string? pageToken, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (pageToken is not null)
        {
            query.Add(new("pageToken", pageToken));
        }
        else if (after is { } since)
        {
            query.Add(new("after", Timestamp(since)));
        }

        query.Add(new("limit", options.Value.PageSize.ToString(CultureInfo.InvariantCulture)));
        var page = await GetAsync<Ss12000DeletedPage>(source, "deletedEntities", query, cancellationToken).ConfigureAwait(false);
        return page?.Data is null ? throw new Ss12000MalformedPageException("A page of deletedEntities has no data object.") : page;
    }

    /// <summary><c>/calendarEvents/{id}</c>: the lesson an attendance is of (its date and length).</summary>
    public async Task<Ss12000CalendarEvent> GetCalendarEventAsync(SchoolSyncSource source, string id, CancellationToken cancellationToken) =>
        await GetAsync<Ss12000CalendarEvent>(source, "calendarEvents/" + Uri.EscapeDataString(id), [], cancellationToken).ConfigureAwait(false)
        ?? throw new Ss12000MalformedPageException("A calendar event is empty.");

    /// <summary>RFC 3339 with offset, as the filters ask.</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private async Task<T?> GetAsync<T>(SchoolSyncSource source, string path, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var uri = BuildUri(source, path, query);
        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            string fault;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                if (source.UsesOAuth)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(source, cancellationToken).ConfigureAwait(false));
                }

                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.RequestTimeout);
                using var response = await transport.For(source, http).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    try
                    {
                        var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                        return await JsonSerializer.DeserializeAsync<T>(body, Json, timeout.Token).ConfigureAwait(false);
                    }
                    catch (JsonException exception)
                    {
                        // The exception's message may quote the page; keep only where it broke.
                        throw new Ss12000MalformedPageException($"A page of {Endpoint(path)} is not valid JSON of the schema (at {exception.Path}).");
                    }
                }

                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1 && source.UsesOAuth)
                {
                    tokens.Invalidate(source);
                    fault = "401";
                }
                else if (status is 429 or >= 500)
                {
                    retryAfter = RetryAfter(response);
                    fault = status.ToString(CultureInfo.InvariantCulture);
                }
                else
                {
                    throw new Ss12000RefusedException($"{Endpoint(path)} answered {status}.");
                }
            }
            catch (HttpRequestException)
            {
                fault = "no answer";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                fault = "timeout";
            }
            catch (Ss12000UnavailableException exception)
            {
                fault = "token endpoint: " + exception.Message;
            }

            if (attempt >= settings.MaxAttempts)
            {
                throw new Ss12000UnavailableException($"{Endpoint(path)} failed {attempt} times (last: {fault}).");
            }

            var wait = Backoff(attempt, retryAfter, settings);
            Log.Retrying(logger, source.Name, Endpoint(path), fault, attempt, wait);
            await store.BackingOffAsync(source.Name, DateTimeOffset.UtcNow + wait, cancellationToken).ConfigureAwait(false);
            await Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>Retry-After</c> if given (bounded by <see cref="SchoolSyncOptions.MaxBackoff"/>), else 1, 2, 4 … times the initial backoff.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan? retryAfter, SchoolSyncOptions settings)
    {
        if (retryAfter is { } given)
        {
            return given < TimeSpan.Zero ? TimeSpan.Zero : given > settings.MaxBackoff ? settings.MaxBackoff : given;
        }

        var exponential = settings.InitialBackoff * Math.Pow(2, Math.Min(attempt - 1, 16));
        return exponential > settings.MaxBackoff ? settings.MaxBackoff : exponential;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static Uri BuildUri(SchoolSyncSource source, string path, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var baseUrl = source.BaseUrl!.ToString();
        var text = new StringBuilder(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/").Append(path);
        for (var i = 0; i < query.Count; i++)
        {
            text.Append(i == 0 ? '?' : '&').Append(Uri.EscapeDataString(query[i].Key)).Append('=').Append(Uri.EscapeDataString(query[i].Value));
        }

        return new Uri(text.ToString());
    }

    /// <summary>The endpoint without ids (for messages and logs).</summary>
    private static string Endpoint(string path) => path.Split('/')[0];

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "SS 12000 source {Source}: {Endpoint} failed ({Fault}), attempt {Attempt}; retrying in {Wait}.")]
        public static partial void Retrying(ILogger logger, string source, string endpoint, string fault, int attempt, TimeSpan wait);
    }
}
