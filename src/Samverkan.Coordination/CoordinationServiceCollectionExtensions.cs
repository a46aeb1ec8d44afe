using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Actors.Grains;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Organisation;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Common;
using Samverkan.Postgres;

namespace Samverkan.Coordination;

/// <summary>Registers the coordination actors, their read models and the reference-data cache.</summary>
public static class CoordinationServiceCollectionExtensions
{
    public static IActorGrainsBuilder AddCoordination(this IActorGrainsBuilder actors)
    {
        ArgumentNullException.ThrowIfNull(actors);
        var services = actors.Services;
        services.AddMigrationSource("coordination", typeof(CoordinationActors).Assembly);
        services.TryAddSingleton(sp => new ReferenceData(
            sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<ServiceClock>(),
            sp.GetRequiredService<ILogger<ReferenceData>>()));
        services.AddHostedService<ReferenceDataListener>();
        actors.AddCaseWork();
        return actors
            .AddActor<ChildActor>()
            .AddActor<CaseActor>()
            .AddActor<TeamActor>()
            .AddActor<StaffActor>()
            .AddActor<InboxActor>()
            .AddProjector<MunicipalityProjector>()
            .AddProjector<SchoolProjector>()
            .AddProjector<TeamProjector>()
            .AddProjector<StaffProjector>()
            .AddProjector<RuleChangeProjector>()
            .AddProjector<ChildProjector>()
            .AddProjector<EnrolmentsProjector>()
            .AddProjector<ConcernProjector>()
            .AddProjector<CaseProjector>()
            .AddProjector<AlertProjector>()
            .AddProjector<AlertAcknowledgedProjector>()
            .AddProjector<Retention.CaseCulledProjector>()
            .AddProjector<WebhookOutboxProjector>()
            .AddProjector<Retention.ConcernsCulledProjector>();
    }
}

/// <summary>Attaches the reference-data cache to the node's signals before any hosted service starts.</summary>
internal sealed class ReferenceDataListener(ReferenceData reference, IActorSignals signals) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        reference.Listen(signals);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
