using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Samverkan.Host.Tests;

/// <summary>
/// A local OTLP/HTTP receiver (Kestrel on 127.0.0.1, a free port): accepts <c>/v1/traces</c>, <c>/v1/metrics</c> and
/// <c>/v1/logs</c> in protobuf, keeps every body as received, and reads the few fields a test asks about (span names,
/// metric names, log records) with a minimal protobuf wire reader. Strings in protobuf are their UTF-8 bytes, so a scan
/// of the raw bodies finds any text an exporter sent.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpPayload> _payloads = new();

    private OtlpReceiver(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The base address for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporter appends <c>/v1/…</c>).</summary>
    public string Endpoint { get; }

    public IReadOnlyList<OtlpPayload> Payloads => [.. _payloads];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = Samverkan.Testing.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, $"http://127.0.0.1:{port}");
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            app.MapPost($"/v1/{signal}", async (HttpRequest request) =>
            {
                // The host under test listens to ASP.NET Core's activity source, which is process-wide: keep the
                // receiver's own requests out of what the host exports (else every export makes another span).
                if (Activity.Current is { } activity)
                {
                    activity.IsAllDataRequested = false;
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                }

                receiver._payloads.Enqueue(new OtlpPayload(signal, await ReadBodyAsync(request)));

                // An empty Export…ServiceResponse: full success.
                return Results.Bytes([], "application/x-protobuf");
            });
        }

        await app.StartAsync();
        return receiver;
    }

    public IEnumerable<byte[]> Bodies(string signal) => Payloads.Where(p => p.Signal == signal).Select(p => p.Body);

    /// <summary>ExportTraceServiceRequest: resource_spans (1) → scope_spans (2) → spans (2) → name (5).</summary>
    public IReadOnlyList<string> SpanNames() =>
        [.. Bodies("traces").SelectMany(body => Protobuf.Path(body, 1, 2, 2)).SelectMany(span => Protobuf.Path(span, 5)).Select(name => Encoding.UTF8.GetString(name))];

    /// <summary>ExportMetricsServiceRequest: resource_metrics (1) → scope_metrics (2) → metrics (2) → name (1).</summary>
    public IReadOnlyList<string> MetricNames() =>
        [.. Bodies("metrics").SelectMany(body => Protobuf.Path(body, 1, 2, 2)).SelectMany(metric => Protobuf.Path(metric, 1)).Select(name => Encoding.UTF8.GetString(name)).Distinct()];

    /// <summary>ExportLogsServiceRequest: resource_logs (1) → scope_logs (2) → log_records (2).</summary>
    public int LogRecordCount() => Bodies("logs").Sum(body => Protobuf.Path(body, 1, 2, 2).Count());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var body = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress)
            : request.Body;
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

internal sealed record OtlpPayload(string Signal, byte[] Body);

/// <summary>Just enough of the protobuf wire format to follow length-delimited fields.</summary>
internal static class Protobuf
{
    /// <summary>Every value at <paramref name="path"/> of field numbers, each a length-delimited field of the one before.</summary>
    public static IEnumerable<byte[]> Path(byte[] message, params int[] path)
    {
        IEnumerable<byte[]> current = [message];
        foreach (var field in path)
        {
            current = current.SelectMany(m => Fields(m).Where(f => f.Field == field).Select(f => f.Value)).ToArray();
        }

        return current;
    }

    /// <summary>The length-delimited fields of a message (varint and fixed-width fields are skipped).</summary>
    public static List<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = checked((int)ReadVarint(message, ref position));
                    if (length < 0 || position + length > message.Length)
                    {
                        throw new InvalidDataException("A length-delimited field runs past its message.");
                    }

                    fields.Add((field, message[position..(position + length)]));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {tag & 7} is not used by OTLP.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] buffer, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= buffer.Length)
            {
                throw new InvalidDataException("A varint runs past the message.");
            }

            var b = buffer[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("A varint is longer than 10 bytes.");
    }
}
