using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Abstractions.Organisation;

/// <summary>A municipality: its rule set (versioned), its school calendar and its coordinators.</summary>
[GenerateSerializer, Immutable, Alias("municipality-state.v1")]
public sealed record MunicipalityState
{
    [Id(0)]
    public required Municipality Municipality { get; init; }

    [Id(1)]
    public required MunicipalityRuleSet Rules { get; init; }

    /// <summary>Null: the default Swedish calendar (terms, holidays and the usual breaks).</summary>
    [Id(2)]
    public SchoolCalendarDefinition? Calendar { get; init; }

    /// <summary>The municipality's coordinators: alerted when nobody else can be, and on escalation.</summary>
    [Id(3)]
    public TeamId? CoordinatorTeam { get; init; }
}
