using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Samverkan.Actors;

/// <summary>The runtime's traces and metrics. Names are constants; no personal data in any tag.</summary>
public static class ActorTelemetry
{
    public const string Name = "Samverkan.Actors";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> MessagesProcessed =
        Meter.CreateCounter<long>("samverkan.actors.messages.processed", "{message}", "Messages and timers processed and committed.");

    internal static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("samverkan.actors.messages.sent", "{message}", "Messages durably stored by clients, by outcome.");

    internal static readonly Histogram<int> BatchSize =
        Meter.CreateHistogram<int>("samverkan.actors.batch.size", "{message}", "Messages committed in one partition transaction.");

    internal static readonly Histogram<double> ProcessingLatency =
        Meter.CreateHistogram<double>("samverkan.actors.processing.latency", "ms", "From durable send to committed processing.");

    internal static readonly Histogram<double> MailboxLag =
        Meter.CreateHistogram<double>("samverkan.actors.mailbox.lag", "ms", "Age of the oldest message of a batch when it was taken.");

    internal static readonly Counter<long> LeaseChanges =
        Meter.CreateCounter<long>("samverkan.actors.lease.changes", "{partition}", "Partitions acquired, released or lost by this node.");

    internal static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("samverkan.actors.dead_letters", "{message}", "Messages moved to the dead-letter table.");

    internal static readonly Counter<long> FencedCommits =
        Meter.CreateCounter<long>("samverkan.actors.commits.fenced", "{batch}", "Commits refused because the partition was no longer held.");
}
