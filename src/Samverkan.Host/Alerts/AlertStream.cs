using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Alerts;

/// <summary>Settings of the alert stream (<c>Samverkan:Alerts</c>).</summary>
public sealed class AlertStreamOptions
{
    public const string SectionName = "Samverkan:Alerts";

    /// <summary>How often a comment line is sent when nothing else is, so proxies keep the connection open.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most alerts sent per read (a reconnect after a long absence is sent in several reads).</summary>
    public int BatchSize { get; set; } = 100;

    public static AlertStreamOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AlertStreamOptions();
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }
}

/// <summary>
/// <c>GET /api/v1/alerts/stream</c>: the caller's alerts as Server-Sent Events (<c>id:</c> = the row's id in
/// <c>coord_alerts</c>, <c>event: alert</c>, <c>data:</c> an <see cref="AlertView"/>), and <c>event: acknowledged</c>
/// (no id) when one of them is acknowledged. With <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) it first sends every
/// alert after that id; without, the caller's unacknowledged alerts. Then it follows the <c>alerts/{staff}</c> signal,
/// which every node receives, and reads the rows after the last id it sent: the durable rows are the truth and the
/// signal only says when to look, so nothing is lost or sent twice, whichever node processed the inbox.
/// </summary>
public static class AlertStream
{
    public static Results<AlertStreamResult, ProblemHttpResult> Open(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = http.Request.Headers["Last-Event-ID"].ToString();
        if (text.Length == 0)
        {
            text = http.Request.Query["lastEventId"].ToString();
        }

        long? lastEventId = null;
        if (text.Length > 0)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiProblems.Invalid([new FieldError("Last-Event-ID", "Invalid", "Last-Event-ID is the id of the last event received.")]);
            }

            lastEventId = parsed;
        }

        return new AlertStreamResult(http.GetCaller().Staff, lastEventId);
    }
}

/// <summary>Writes the alert stream until the client goes away or the node stops.</summary>
public sealed class AlertStreamResult(StaffId staff, long? lastEventId) : IResult, IEndpointMetadataProvider
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false);

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AlertView), ["text/event-stream"]));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var services = httpContext.RequestServices;
        var database = services.GetRequiredService<NpgsqlDataSource>();
        var signals = services.GetRequiredService<IActorSignals>();
        var options = AlertStreamOptions.From(services.GetRequiredService<IConfiguration>());
        var json = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var audit = services.GetRequiredService<IAuditLog>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        var cancellationToken = cancellation.Token;

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // Subscribe before the first read: a signal in between only causes one more read.
        var topic = CoordinationTopics.Alerts + staff.Value;
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var acknowledged = new ConcurrentQueue<string>();
        void OnReconnected() => wake.Writer.TryWrite(true);
        using var subscription = signals.Subscribe(topic, signal =>
        {
            if (!string.Equals(signal.Topic, topic, StringComparison.Ordinal))
            {
                return; // alerts/ann is a prefix of alerts/anna.
            }

            if (signal.PayloadAs<AlertSignal>() is { Change: "acknowledged" } change)
            {
                acknowledged.Enqueue(change.AlertKey);
            }

            wake.Writer.TryWrite(true);
        });
        signals.Reconnected += OnReconnected;
        try
        {
            await WriteAsync(response, "retry: 2000\n\n", cancellationToken).ConfigureAwait(false);
            long lastSent;
            if (lastEventId is { } resume)
            {
                lastSent = resume;
            }
            else
            {
                var (open, last) = await AlertStore.OpenAsync(database, staff, options.BatchSize * 10, cancellationToken).ConfigureAwait(false);
                await SendAlertsAsync(httpContext, audit, open, json, cancellationToken).ConfigureAwait(false);
                lastSent = last;
            }

            while (true)
            {
                lastSent = await SendAfterAsync(httpContext, audit, database, lastSent, options.BatchSize, json, cancellationToken).ConfigureAwait(false);
                while (acknowledged.TryDequeue(out var key))
                {
                    var data = JsonSerializer.Serialize(new { alertKey = key }, json);
                    await WriteAsync(response, $"event: acknowledged\ndata: {data}\n\n", cancellationToken).ConfigureAwait(false);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(options.KeepAliveInterval);
                try
                {
                    await wake.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await WriteAsync(response, ": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client went away or the node is stopping (services may already be disposed): the client resumes from its last id.
        }
        finally
        {
            signals.Reconnected -= OnReconnected;
        }
    }

    private async Task<long> SendAfterAsync(
        HttpContext http, IAuditLog audit, NpgsqlDataSource database, long lastSent, int batchSize, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        while (true)
        {
            var rows = await AlertStore.AfterAsync(database, staff, lastSent, batchSize, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                return lastSent;
            }

            await SendAlertsAsync(http, audit, rows, json, cancellationToken).ConfigureAwait(false);
            lastSent = rows[^1].Id;
            if (rows.Count < batchSize)
            {
                return lastSent;
            }
        }
    }

    private static async Task SendAlertsAsync(HttpContext http, IAuditLog audit, List<AlertView> rows, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // The children the stream names are audited like a list; if the audit cannot be written the stream ends unsent
        // (the client reconnects and resumes from its last id).
        await audit.RecordChildrenAsync(http, rows.Select(r => new PseudonymousKey(r.ChildKey)), AuditAction.List, "alert stream").ConfigureAwait(false);

        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"id: {row.Id}\nevent: alert\ndata: {JsonSerializer.Serialize(row, json)}\n\n");
        }

        await WriteAsync(http.Response, text.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Utf8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
