using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Common;

namespace Samverkan.Alerts.Tests;

/// <summary>The acknowledgement deadline of an alert, as a pure function.</summary>
public sealed class AlertEscalationTests
{
    [Fact]
    public void Normal_IsDueTheSameTimeOnTheNextWorkingDay()
    {
        // Friday 20 March 2026, 14:30 Swedish time (UTC+1): due Monday 14:30.
        var friday = new DateTimeOffset(2026, 3, 20, 13, 30, 0, TimeSpan.Zero);
        AlertEscalation.DeadlineFor(Severity.Normal, friday).ShouldBe(new DateTimeOffset(2026, 3, 23, 13, 30, 0, TimeSpan.Zero));
        AlertEscalation.DeadlineFor(Severity.High, friday).ShouldBe(new DateTimeOffset(2026, 3, 23, 13, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Normal_SkipsEaster()
    {
        // Thursday 2 April 2026 10:00 (UTC+2): Good Friday and Easter Monday are holidays, so Tuesday 7 April.
        var thursday = new DateTimeOffset(2026, 4, 2, 8, 0, 0, TimeSpan.Zero);
        AlertEscalation.DeadlineFor(Severity.Normal, thursday).ShouldBe(new DateTimeOffset(2026, 4, 7, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Urgent_IsDueInFourHours()
    {
        var saturday = new DateTimeOffset(2026, 3, 21, 22, 0, 0, TimeSpan.Zero);
        AlertEscalation.DeadlineFor(Severity.Urgent, saturday).ShouldBe(saturday.AddHours(4));
    }
}
