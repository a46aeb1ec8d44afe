using Samverkan.Domain.Common;
using System.Collections.Immutable;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Demo;

/// <summary>Settings of the demo simulator (<c>Samverkan:Demo:Simulator</c>; Development with demo data only).</summary>
public sealed class DemoSimulatorOptions
{
    public const string SectionName = "Samverkan:Demo:Simulator";

    public bool Enabled { get; set; } = true;

    /// <summary>Absence registrations sent per second.</summary>
    public double EventsPerSecond { get; set; } = 2;

    /// <summary>Wait this long after start before the first registration (the demo data loads first).</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// What the simulator sends: SS 12000-shaped registrations (whole school days) for the pupils of Norrskolan and
/// Södraskolan over the last 20 school days, oldest day first, with the ids the demo history uses (so they agree with it,
/// or correct it). Most pupils are present almost every day; the <see cref="Drifting"/> pupils are away more and more, so
/// a few of them cross the absence thresholds while the demo runs and their alerts appear live.
/// </summary>
public static class DemoSimulation
{
    /// <summary>Pupils whose absence grows during the simulation (7 has a protected identity and is not among them).</summary>
    public static ImmutableArray<int> Drifting { get; } = [5, 9, 14, 28, 36, 41];

    public const int Pupils = 50;

    public static ImmutableArray<AbsenceRegistration> Schedule(SchoolCalendar calendar, DateOnly today, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var days = calendar.LastSchoolDays(today.AddDays(-1), 20);
        var registrations = ImmutableArray.CreateBuilder<AbsenceRegistration>(days.Length * Pupils);
        for (var d = 0; d < days.Length; d++)
        {
            for (var n = 1; n <= Pupils; n++)
            {
                var absent = IsAbsent(n, d, days.Length);
                var unexcused = absent && n is 3 or 14;
                registrations.Add(new AbsenceRegistration(
                    "demo", $"demo-{n}-{days[d]:yyyyMMdd}", DemoData.ChildKey(n), new SchoolId(n <= 25 ? "s-norrskolan" : "s-sodraskolan"), days[d], null,
                    300, absent ? 0 : 300, absent && !unexcused ? 300 : 0, unexcused ? 300 : 0, 0, now));
            }
        }

        return registrations.MoveToImmutable();
    }

    /// <summary>As the demo history for pupils 1-3; drifting pupils are away every third day and all of the last four; others now and then.</summary>
    private static bool IsAbsent(int n, int day, int days) => n switch
    {
        1 => day >= days - 11,
        2 or 3 => day % 4 == 0,
        _ when Drifting.Contains(n) => day % 3 == 0 || day >= days - 4,
        _ => (n * 7 + day * 3) % 23 == 0,
    };
}

/// <summary>
/// Development only: streams <see cref="DemoSimulation.Schedule"/> into the demo municipality at
/// <see cref="DemoSimulatorOptions.EventsPerSecond"/>, one registration per message, through the same path as the
/// ingest API (a durable send to the child actor, with a deduplication key: a restart sends nothing twice). When a new
/// school day begins it sends that day's registrations too.
/// </summary>
public sealed partial class DemoSimulator(
    IActorClient actors,
    ReferenceData reference,
    NpgsqlDataSource database,
    ServiceClock time,
    Microsoft.Extensions.Options.IOptions<DemoSimulatorOptions> options,
    ILogger<DemoSimulator> logger) : BackgroundService
{
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var interval = TimeSpan.FromSeconds(1 / Math.Clamp(settings.EventsPerSecond, 0.01, 1000));
        try
        {
            await Task.Delay(settings.StartDelay, time, stoppingToken).ConfigureAwait(false);
            await WaitForDemoChildrenAsync(stoppingToken).ConfigureAwait(false);
            Log.Started(logger, settings.EventsPerSecond);
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var today = SwedishTime.DateOf(now);
                var sent = 0;
                foreach (var registration in DemoSimulation.Schedule(reference.Calendar(DemoData.Municipality), today, now))
                {
                    var key = $"demo-simulator:{registration.SourceId}:{registration.AttendedMinutes}:{registration.ExcusedMinutes}:{registration.UnexcusedMinutes}";
                    if (!_sent.Add(key))
                    {
                        continue;
                    }

                    await actors.SendAsync(CoordinationActors.ChildOf(registration.Pupil), new RegisterAbsences([registration]), key, stoppingToken).ConfigureAwait(false);
                    sent++;
                    await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                }

                Log.Round(logger, sent);
                while (SwedishTime.DateOf(time.GetUtcNow()) == today)
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            Log.Failed(logger, exception);
        }
    }

    private async Task WaitForDemoChildrenAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using (var command = database.CreateCommand("select count(*) from coord_children where municipality = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = DemoData.Municipality.Value });
                if ((long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! >= DemoSimulation.Pupils)
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5200, LogLevel.Information, "Demo simulator: streaming synthetic absence registrations, {EventsPerSecond} per second")]
        public static partial void Started(ILogger logger, double eventsPerSecond);

        [LoggerMessage(5201, LogLevel.Information, "Demo simulator: {Sent} registrations sent; waiting for the next school day")]
        public static partial void Round(ILogger logger, int sent);

        [LoggerMessage(5202, LogLevel.Error, "The demo simulator stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}

/// <summary>Registers the simulator: in Development only, with the demo data, unless <c>Samverkan:Demo:Simulator:Enabled</c> is false.</summary>
public static class DemoSimulatorExtensions
{
    public static IHostApplicationBuilder AddSamverkanDemoSimulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Environment.IsDevelopment()
            && builder.Configuration.GetValue("Samverkan:Demo:Enabled", true)
            && builder.Configuration.GetValue($"{DemoSimulatorOptions.SectionName}:{nameof(DemoSimulatorOptions.Enabled)}", true))
        {
            builder.Services.AddOptions<DemoSimulatorOptions>()
                .BindConfiguration(DemoSimulatorOptions.SectionName)
                .Validate(o => o.EventsPerSecond > 0 && o.StartDelay >= TimeSpan.Zero, "Samverkan:Demo:Simulator:EventsPerSecond must be positive.")
                .ValidateOnStart();
            builder.Services.AddHostedService<DemoSimulator>();
        }

        return builder;
    }
}
