using Samverkan.Testing;

namespace Samverkan.Postgres.Tests.TestSupport;

/// <summary>The shared test clock (Samverkan.Testing) that every test project relies on.</summary>
public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_MovesUtcNowAndTimestamps()
    {
        var time = new ManualTimeProvider(Start);
        var before = time.GetTimestamp();

        time.Advance(TimeSpan.FromDays(28));

        time.GetUtcNow().ShouldBe(Start.AddDays(28));
        time.GetElapsedTime(before).ShouldBe(TimeSpan.FromDays(28));
    }

    [Fact]
    public void SetUtcNow_Backwards_Throws()
    {
        var time = new ManualTimeProvider(Start);

        Should.Throw<ArgumentOutOfRangeException>(() => time.SetUtcNow(Start.AddSeconds(-1)));
    }

    [Fact]
    public async Task Delay_CompletesOnlyWhenTimeReachesIt()
    {
        var time = new ManualTimeProvider(Start);
        var delay = Task.Delay(TimeSpan.FromMinutes(5), time, TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(4));
        delay.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Advance_FiresTimersInDueOrderWithTheClockAtEachDueTime()
    {
        var time = new ManualTimeProvider(Start);
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow())), null, TimeSpan.FromHours(2), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow())), null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        using var periodic = time.CreateTimer(_ => fired.Add(("periodic", time.GetUtcNow())), null, TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(45));

        time.Advance(TimeSpan.FromHours(2));

        fired.ShouldBe([
            ("periodic", Start.AddMinutes(45)),
            ("early", Start.AddHours(1)),
            ("periodic", Start.AddMinutes(90)),
            ("late", Start.AddHours(2)),
        ]);
        time.GetUtcNow().ShouldBe(Start.AddHours(2));
    }

    [Fact]
    public void Timer_ChangedOrDisposed_FiresAccordingly()
    {
        var time = new ManualTimeProvider(Start);
        var count = 0;
        var timer = time.CreateTimer(_ => count++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromMinutes(10), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromMinutes(5));
        count.ShouldBe(0);
        time.Advance(TimeSpan.FromMinutes(5));
        count.ShouldBe(1);

        timer.Change(TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        time.Advance(TimeSpan.FromMinutes(5));
        count.ShouldBe(1);
    }

    [Fact]
    public async Task PeriodicTimer_TicksOncePerPeriodAdvanced()
    {
        var time = new ManualTimeProvider(Start);
        using var periodic = new PeriodicTimer(TimeSpan.FromSeconds(10), time);

        var tick = periodic.WaitForNextTickAsync(TestContext.Current.CancellationToken);
        tick.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(10));

        (await tick.AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).ShouldBeTrue();
    }

    [Fact]
    public void FreePort_ReturnsABindablePort()
    {
        var port = FreePort.Next();

        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        Should.NotThrow(listener.Start);
    }
}
