using Samverkan.Domain.Common;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;

namespace Samverkan.Host.Webhooks;

/// <summary>
/// Posts the webhook outbox (<c>coord_webhook_deliveries</c>), on every node. Due rows are claimed with
/// <c>for update skip locked</c> (so nodes never post the same row at once) and leased for
/// <see cref="WebhookOptions.ClaimTimeout"/>; a node that dies mid-post leaves the row to be attempted again:
/// at-least-once, with the same <c>Samverkan-Delivery-Id</c> on every attempt. A failed attempt is retried after an
/// exponential backoff with jitter, until <see cref="WebhookOptions.MaxAttempts"/>; then the delivery is marked failed.
/// Woken by the alert signal right after an inbox commit, and by a poll.
/// </summary>
public sealed class WebhookDeliveryWorker(
    NpgsqlDataSource database,
    IHttpClientFactory httpClients,
    IDataProtectionProvider protection,
    IActorSignals signals,
    ServiceClock time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    public const string HttpClientName = "samverkan-webhooks";

    private const string ClaimSql = """
        update coord_webhook_deliveries d
           set attempts = d.attempts + 1, next_attempt_at = $2
          from (select x.id
                  from coord_webhook_deliveries x
                  join coord_webhooks e on e.organisation = x.organisation and e.webhook_id = x.webhook_id and e.enabled
                 where x.status = 'pending' and x.next_attempt_at <= $1
                 order by x.next_attempt_at, x.id
                 limit $3
                   for update of x skip locked) due,
               coord_webhooks w
         where d.id = due.id and w.organisation = d.organisation and w.webhook_id = d.webhook_id
        returning d.id, d.delivery_id, d.attempts, d.body, w.url, w.secret, d.organisation, d.webhook_id
        """;

    private readonly WebhookOptions _options = options.Value;
    private readonly IDataProtector _protector = protection.CreateProtector(WebhookApi.SecretPurpose);

    /// <summary>The delay before attempt <paramref name="failedAttempts"/> + 1: half the exponential delay, plus up to half again at random.</summary>
    public static TimeSpan Backoff(int failedAttempts, TimeSpan initial, TimeSpan max, double random)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var full = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks));
        return full / 2 + full / 2 * Math.Clamp(random, 0, 1);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var subscription = signals.Subscribe(CoordinationTopics.Alerts, _ => wake.Writer.TryWrite(true));
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Migrations have not run yet (a separate job applies them): look again at the next poll.
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                WebhookLog.WorkerFailed(logger, e);
            }

            if (claimed >= _options.BatchSize)
            {
                continue;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(_options.PollInterval);
            try
            {
                await wake.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll interval passed.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims the due deliveries, posts them concurrently and records each outcome. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claims = new List<Claim>();
        await using (var command = database.CreateCommand(ClaimSql))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = (now + _options.ClaimTimeout).UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = _options.BatchSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claims.Add(new Claim(
                    reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetString(6), reader.GetString(7)));
            }
        }

        await Task.WhenAll(claims.Select(c => DeliverAsync(c, cancellationToken))).ConfigureAwait(false);
        return claims.Count;
    }

    private async Task DeliverAsync(Claim claim, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error = null;
        try
        {
            var secret = _protector.Unprotect(claim.ProtectedSecret);
            var body = Encoding.UTF8.GetBytes(claim.Body);
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, claim.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(WebhookSignature.DeliveryIdHeader, claim.DeliveryId.ToString());
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"HTTP {status}";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // Stopping: the claim expires and another attempt follows (at-least-once).
        }
        catch (OperationCanceledException)
        {
            error = "timed out";
        }
        catch (HttpRequestException e)
        {
            error = $"no answer ({e.HttpRequestError})";
        }
        catch (CryptographicException)
        {
            error = "the secret cannot be read (data-protection keys?)";
        }

        await RecordAsync(claim, status, error, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(Claim claim, int? status, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        NpgsqlCommand command;
        if (error is null)
        {
            command = database.CreateCommand(
                "update coord_webhook_deliveries set status = 'delivered', delivered_at = $2, last_status = $3, last_error = null where id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = claim.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = status!.Value });
            WebhookLog.Delivered(logger, claim.DeliveryId, claim.WebhookId, claim.Organisation, claim.Attempts);
        }
        else if (claim.Attempts >= _options.MaxAttempts)
        {
            command = database.CreateCommand(
                "update coord_webhook_deliveries set status = 'failed', last_status = $2, last_error = $3 where id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = claim.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = error });
            WebhookLog.GaveUp(logger, claim.DeliveryId, claim.WebhookId, claim.Organisation, claim.Attempts, error);
        }
        else
        {
            var delay = Backoff(claim.Attempts, _options.InitialBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
            command = database.CreateCommand(
                "update coord_webhook_deliveries set next_attempt_at = $2, last_status = $3, last_error = $4 where id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = claim.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = (now + delay).UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter { Value = error });
            WebhookLog.AttemptFailed(logger, claim.DeliveryId, claim.WebhookId, claim.Organisation, claim.Attempts, error, delay);
        }

        await using (command)
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record Claim(long Id, Guid DeliveryId, int Attempts, string Body, string Url, string ProtectedSecret, string Organisation, string WebhookId);
}

/// <summary>Registers webhooks: the delivery worker, its HTTP client (no redirects, no request logging) and its settings.</summary>
public static class WebhookExtensions
{
    public static IHostApplicationBuilder AddSamverkanWebhooks(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .Validate(o => o.MaxAttempts >= 1 && o.BatchSize >= 1 && o.PollInterval > TimeSpan.Zero && o.InitialBackoff > TimeSpan.Zero
                && o.MaxBackoff >= o.InitialBackoff && o.RequestTimeout > TimeSpan.Zero && o.ClaimTimeout > o.RequestTimeout,
                "Samverkan:Webhooks: attempts and batch size ≥ 1, positive intervals, MaxBackoff ≥ InitialBackoff, ClaimTimeout > RequestTimeout.")
            .ValidateOnStart();
        services.AddHttpClient(WebhookDeliveryWorker.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .ConfigureHttpClient(client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // Per attempt: WebhookOptions.RequestTimeout.
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Samverkan-Webhooks/1");
            })
            .RemoveAllLoggers(); // The default handlers log URLs, which may carry a receiver's token.
        if (builder.Configuration.GetValue($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.DeliveryEnabled)}", true))
        {
            services.AddSingleton<WebhookDeliveryWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryWorker>());
        }

        return builder;
    }
}
