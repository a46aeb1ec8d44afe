using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Samverkan.Domain.Calendar;
using Samverkan.Host.Demo;
using Samverkan.Testing;

namespace Samverkan.Alerts.Tests;

/// <summary>The demo simulator: what it sends, and that it exists in Development with demo data only.</summary>
public sealed class DemoSimulatorTests(PostgresServerFixture postgres)
{
    [Theory]
    [InlineData("Development", null, null, true)]
    [InlineData("Development", "false", null, false)]
    [InlineData("Development", null, "false", false)]
    [InlineData("Production", null, "true", false)]
    [InlineData("Staging", null, "true", false)]
    [InlineData("Testing", null, null, false)]
    public void Simulator_IsRegisteredInDevelopmentWithDemoDataOnly(string environment, string? simulatorEnabled, string? demoEnabled, bool expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        if (simulatorEnabled is not null)
        {
            builder.Configuration["Samverkan:Demo:Simulator:Enabled"] = simulatorEnabled;
        }

        if (demoEnabled is not null)
        {
            builder.Configuration["Samverkan:Demo:Enabled"] = demoEnabled;
        }

        builder.AddSamverkanDemo();
        builder.Services.Any(d => d.ImplementationType == typeof(DemoSimulator)).ShouldBe(expected);
    }

    [Fact]
    public async Task Simulator_IsNotRunningInTheProductionHost()
    {
        var monday = new DateTimeOffset(2026, 3, 23, 7, 0, 0, TimeSpan.Zero);
        await using var host = await AlertsHost.StartAsync(postgres, monday, "Production");
        host.Services.GetServices<IHostedService>().ShouldNotContain(s => s is DemoSimulator);
        host.Services.GetServices<IHostedService>().ShouldContain(s => s is Samverkan.Host.Webhooks.WebhookDeliveryWorker);
    }

    [Fact]
    public void Schedule_IsOldestDayFirst_AndPushesOnlyTheDriftingPupilsOverTwentyPercent()
    {
        var calendar = SchoolCalendar.SwedishDefault(DemoData.Municipality, 2025, 2026);
        var today = new DateOnly(2026, 3, 23);
        var schedule = DemoSimulation.Schedule(calendar, today, new DateTimeOffset(2026, 3, 23, 7, 0, 0, TimeSpan.Zero));
        schedule.Length.ShouldBe(20 * DemoSimulation.Pupils);
        schedule.Select(r => r.Date).ShouldBeInOrder();
        schedule.Select(r => r.SourceId).Distinct().Count().ShouldBe(schedule.Length);
        schedule.ShouldAllBe(r => r.Date < today && r.OfferedMinutes == r.AttendedMinutes + r.ExcusedMinutes + r.UnexcusedMinutes);

        foreach (var pupil in schedule.GroupBy(r => r.Pupil))
        {
            var number = Enumerable.Range(1, DemoSimulation.Pupils).Single(n => DemoData.ChildKey(n) == pupil.Key);
            var share = pupil.Sum(r => r.AbsentMinutes) / (double)pupil.Sum(r => r.OfferedMinutes);
            if (DemoSimulation.Drifting.Contains(number) || number <= 3)
            {
                share.ShouldBeGreaterThanOrEqualTo(0.2, $"pupil {number}");
            }
            else
            {
                share.ShouldBeLessThan(0.2, $"pupil {number}");
            }

            pupil.ShouldAllBe(r => r.School.Value == (number <= 25 ? "s-norrskolan" : "s-sodraskolan"));
        }
    }
}
