using System.Diagnostics.Metrics;

namespace Samverkan.Actors;

/// <summary>The actor grains' metrics (Orleans' own meter and activity source carry the rest). No personal data in any tag.</summary>
public static class ActorTelemetry
{
    public const string Name = "Samverkan.Actors";

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Handled =
        Meter.CreateCounter<long>("samverkan.actors.messages.handled", "{message}", "Messages and timers handled and stored, by actor type.");

    internal static readonly Counter<long> Redeliveries =
        Meter.CreateCounter<long>("samverkan.actors.outbox.redeliveries", "{message}", "Outbox messages sent again after a failed delivery.");

    internal static readonly Counter<long> Abandoned =
        Meter.CreateCounter<long>("samverkan.actors.outbox.abandoned", "{message}", "Outbox messages given up after the last delivery attempt.");

    internal static readonly Counter<long> RowsDeferred =
        Meter.CreateCounter<long>("samverkan.actors.rows.deferred", "{group}", "Read-model row groups not written after a state write (written on the next tick).");
}
