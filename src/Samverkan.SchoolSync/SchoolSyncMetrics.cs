using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Samverkan.SchoolSync;

/// <summary>
/// The connector's metrics (meter <c>Samverkan.SchoolSync</c>, collected with the host's <c>Samverkan.*</c>), tagged with
/// the source's name only: never a person, a pupil or an id of the source's data.
/// </summary>
public static class SchoolSyncMetrics
{
    public const string MeterName = "Samverkan.SchoolSync";

    private static readonly Meter Meter = new(MeterName);

    private static readonly ConcurrentDictionary<string, DateTimeOffset> LastSuccess = new(StringComparer.Ordinal);

    /// <summary>Items of a run by kind (organisations, persons, attendances …) and outcome (pulled, applied, refused).</summary>
    public static readonly Counter<long> Items = Meter.CreateCounter<long>("samverkan.school_sync.items", "{item}", "SS 12000 items per source, kind and outcome.");

    /// <summary>Runs by outcome (succeeded, failed).</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("samverkan.school_sync.runs", "{run}", "SS 12000 runs per source and outcome.");

    /// <summary>Runs that stopped, by error code (Unavailable, Refused, MalformedPage, WriteFailed, Error).</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("samverkan.school_sync.errors", "{error}", "SS 12000 runs stopped by a fault, per source and code.");

    /// <summary>Seconds since each source's last successful run, as the node that ran it last sees it.</summary>
    public static readonly ObservableGauge<double> Lag = Meter.CreateObservableGauge(
        "samverkan.school_sync.lag", () => LastSuccess.Select(s => new Measurement<double>(
            Math.Max(0, (DateTimeOffset.UtcNow - s.Value).TotalSeconds), new KeyValuePair<string, object?>("source", s.Key))),
        "s", "Seconds since the source's last successful sync.");

    /// <summary>Records a finished run: its items per kind and outcome, and either its success (the lag restarts) or its error code.</summary>
    public static void Record(SyncReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var source = new KeyValuePair<string, object?>("source", report.Source);
        foreach (var (counter, count) in report.Items)
        {
            var dot = counter.IndexOf('.', StringComparison.Ordinal);
            var kind = dot < 0 ? counter : counter[..dot];
            var outcome = dot < 0 ? "" : counter[(dot + 1)..];

            // "refused.{code}": the code is the roster's or absence path's (NotEnrolled …), never data.
            Items.Add(count, source, new("kind", kind), new("outcome", outcome));
        }

        if (report.Succeeded)
        {
            Runs.Add(1, source, new("outcome", "succeeded"));
            LastSuccess[report.Source] = report.Finished;
        }
        else
        {
            Runs.Add(1, source, new("outcome", "failed"));
            Errors.Add(1, source, new("code", report.ErrorCode));
        }
    }

    /// <summary>The source's last success as stored (when its runner activates on this node).</summary>
    public static void Seen(string source, DateTimeOffset lastSuccess) => LastSuccess.AddOrUpdate(source, lastSuccess, (_, known) => known > lastSuccess ? known : lastSuccess);

    /// <summary>The source is no longer run here (removed, or its runner moved to another node).</summary>
    public static void Forget(string source) => LastSuccess.TryRemove(source, out _);
}
