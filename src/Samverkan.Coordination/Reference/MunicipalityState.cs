using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Reference;

/// <summary>A municipality: its rule set (versioned), its school calendar and its coordinators.</summary>
public sealed record MunicipalityState
{
    public required Municipality Municipality { get; init; }

    public required MunicipalityRuleSet Rules { get; init; }

    /// <summary>Null: the default Swedish calendar (terms, holidays and the usual breaks).</summary>
    public SchoolCalendarDefinition? Calendar { get; init; }

    /// <summary>The municipality's coordinators: alerted when nobody else can be, and on escalation.</summary>
    public TeamId? CoordinatorTeam { get; init; }
}
