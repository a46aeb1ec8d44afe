using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Samverkan.Actors.Grains;
using Samverkan.Coordination.Projections;
using Samverkan.Domain.Cases;

namespace Samverkan.Coordination.Cases;

/// <summary>Registers case work (issue 8): its deadlines (<c>Samverkan:CaseWork</c>) and read models.</summary>
public static class CaseWorkServiceCollectionExtensions
{
    public const string SectionName = "Samverkan:CaseWork";

    public static IActorGrainsBuilder AddCaseWork(this IActorGrainsBuilder actors)
    {
        ArgumentNullException.ThrowIfNull(actors);
        actors.Services.AddOptions<CaseWorkPolicy>()
            .BindConfiguration(SectionName)
            .Validate(
                p => p.EscalateAfterWorkingDays >= 0 && p.SipFirstMeetingWorkingDays >= 1 && p.PlacementFollowUpMonths >= 1
                    && p.ReporterFeedbackWorkingDays >= 1 && p.ReporterFeedbackReminderWorkingDays >= 0,
                "Samverkan:CaseWork: day and month counts are positive (escalation and reminder days may be 0).")
            .ValidateOnStart();
        actors.Services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<CaseWorkPolicy>>().Value);
        return actors
            .AddProjector<CaseWorkProjector>()
            .AddProjector<ReporterFeedbackProjector>();
    }
}
