namespace Samverkan.Domain.Common;

/// <summary>
/// The service's clock: "now" for deadlines, stamps and ages. A type of its own, not the container's
/// <see cref="TimeProvider"/>, because that one is the Orleans runtime's: membership, the grain directory and the
/// runtime's timers read it, and a test that moves the service's clock by days (a deadline passing) must not move
/// those (every silo would look dead). Production uses <see cref="System"/>; tests register one over a manual clock.
/// </summary>
public sealed class ServiceClock(TimeProvider inner) : TimeProvider
{
    /// <summary>The machine's clock.</summary>
    public static new ServiceClock System { get; } = new(TimeProvider.System);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
