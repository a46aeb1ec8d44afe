using Samverkan.Abstractions;
using Samverkan.Abstractions.Organisation;
using Samverkan.Actors;
using Samverkan.Coordination;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Organisation;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Demo;

/// <summary>Loads <see cref="DemoData"/> through the actors after start (Development only). Idempotent: a restart changes nothing.</summary>
internal sealed partial class DemoDataLoader(
    IActorClient actors, IGrainFactory grains, ISiloStatusOracle silo, ReferenceData reference, ServiceClock time, ILogger<DemoDataLoader> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoadAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            Log.Failed(logger, exception);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        // The silo starts once the database is migrated, which on the default run may be after this service starts.
        while (silo.CurrentStatus != SiloStatus.Active)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        Check("municipality", await grains.Municipality(DemoData.Municipality)
            .UpsertAsync(new UpsertMunicipality(new Municipality(DemoData.Municipality, "Demokommun", "99"), DemoData.Coordinators)).ConfigureAwait(false));
        foreach (var staff in DemoData.Staff)
        {
            await AskAsync(CoordinationActors.StaffOf(staff.Id), new UpsertStaff(staff), cancellationToken).ConfigureAwait(false);
        }

        foreach (var team in DemoData.Teams)
        {
            await AskAsync(CoordinationActors.TeamOf(team.Id), new UpsertTeam(team), cancellationToken).ConfigureAwait(false);
        }

        foreach (var school in DemoData.Schools)
        {
            Check("school", await grains.School(school.Id).UpsertAsync(new UpsertSchool(school)).ConfigureAwait(false));
        }

        var now = time.GetUtcNow();
        var today = SwedishTime.DateOf(now);
        var children = DemoData.Children(today);
        foreach (var child in children)
        {
            await AskAsync(CoordinationActors.ChildOf(child.Key), new UpsertChild(child), cancellationToken).ConfigureAwait(false);
        }

        var history = DemoData.History(reference.Calendar(DemoData.Municipality), today, now);
        var messages = history.GroupBy(r => r.Pupil)
            .Select(g => new ActorMessage(CoordinationActors.ChildOf(g.Key), new RegisterAbsences([.. g]), $"demo-history:{g.Key.Value}:{today:yyyyMMdd}"))
            .ToList();
        await actors.SendBatchAsync(messages, cancellationToken).ConfigureAwait(false);
        Log.Loaded(logger, DemoData.Schools.Length, DemoData.Teams.Length, DemoData.Staff.Length, children.Length);
    }

    private async Task AskAsync(ActorId target, object command, CancellationToken cancellationToken)
    {
        var result = await actors.AskAsync<CommandResult>(target, command, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            Check(target.Type, result);
        }
    }

    private static void Check(string kind, CommandResult result)
    {
        if (!result.Ok)
        {
            throw new InvalidOperationException($"The demo data was refused by {kind}: {result.Code}");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Information, "Demo data loaded: {Schools} schools, {Teams} teams, {Staff} staff, {Children} synthetic children")]
        public static partial void Loaded(ILogger logger, int schools, int teams, int staff, int children);

        [LoggerMessage(3001, LogLevel.Error, "Loading the demo data failed")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}

/// <summary>Registers the demo data, in Development only.</summary>
public static class DemoExtensions
{
    public static IHostApplicationBuilder AddSamverkanDemo(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Environment.IsDevelopment() && builder.Configuration.GetValue(DemoData.EnabledSetting, true))
        {
            builder.Services.AddHostedService<DemoDataLoader>();
            builder.AddSamverkanDemoSimulator();
        }

        return builder;
    }
}
