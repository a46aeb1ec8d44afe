using System.Diagnostics;
using Samverkan.Actors;

namespace Samverkan.Benchmarks;

/// <summary>A small actor with a small state: counts pings and keeps the last send time.</summary>
internal sealed class BenchActor : Actor<BenchState>
{
    public const string Name = "bench";

    public BenchActor()
        : base(Name)
    {
        On<Ping>((message, context) => context.State = new BenchState(context.State.Count + 1, message.SentAt));
    }

    protected override BenchState CreateInitialState(string key) => new(0, 0);
}

internal sealed record BenchState(long Count, long LastSentAt);

[ActorMessage("bench.ping")]
internal sealed record Ping(long SentAt)
{
    public static Ping Now() => new(Stopwatch.GetTimestamp());
}
