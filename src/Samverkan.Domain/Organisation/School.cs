using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Organisation;

/// <summary>A school unit or preschool.</summary>
public sealed record School
{
    public required SchoolId Id { get; init; }

    public required string Name { get; init; }

    public required MunicipalityCode Municipality { get; init; }

    public required SchoolKind Kind { get; init; }

    /// <summary>The school organiser (huvudman) the unit belongs to.</summary>
    public required OrganisationId Organisation { get; init; }

    /// <summary>The student-health team (elevhälsoteam).</summary>
    public TeamId? StudentHealthTeam { get; init; }

    /// <summary>The school's social-services unit and contact persons.</summary>
    public SocialServicesLink? SocialServices { get; init; }

    /// <summary>The principal's rule overrides; the municipality's defaults apply otherwise.</summary>
    public SchoolRuleOverrides? RuleOverrides { get; init; }
}
