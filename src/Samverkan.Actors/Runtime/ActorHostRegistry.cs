namespace Samverkan.Actors.Runtime;

/// <summary>The hosts of this process, for the observable gauges.</summary>
internal static class ActorHostRegistry
{
    private static readonly Lock Gate = new();
    private static ActorHost[] _hosts = [];

    static ActorHostRegistry()
    {
        ActorTelemetry.Meter.CreateObservableGauge(
            "samverkan.actors.active", () => Volatile.Read(ref _hosts).Sum(h => (long)h.ActiveActors), "{actor}", "Activations in memory.");
        ActorTelemetry.Meter.CreateObservableGauge(
            "samverkan.actors.partitions.owned", () => Volatile.Read(ref _hosts).Sum(h => (long)h.OwnedPartitions.Count), "{partition}", "Partitions held by this process.");
    }

    public static void Add(ActorHost host)
    {
        lock (Gate)
        {
            _hosts = [.. _hosts, host];
        }
    }

    public static void Remove(ActorHost host)
    {
        lock (Gate)
        {
            _hosts = [.. _hosts.Where(h => !ReferenceEquals(h, host))];
        }
    }
}
