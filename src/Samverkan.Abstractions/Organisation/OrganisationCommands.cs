using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Abstractions.Organisation;

// The commands of the municipality and school grains. Aliases are wire contracts: never reuse one for another shape.

[GenerateSerializer, Immutable, Alias("municipality.upsert.v1")]
public sealed record UpsertMunicipality([property: Id(0)] Municipality Municipality, [property: Id(1)] TeamId? CoordinatorTeam);

/// <summary>A new version of the municipality's rules (thresholds), with who and why.</summary>
[GenerateSerializer, Immutable, Alias("municipality.change-rules.v1")]
public sealed record ChangeMunicipalityRules(
    [property: Id(0)] ImmutableArray<RuleDefinition> Rules, [property: Id(1)] StaffId ChangedBy, [property: Id(2)] string Reason);

[GenerateSerializer, Immutable, Alias("municipality.set-calendar.v1")]
public sealed record SetSchoolCalendar([property: Id(0)] SchoolCalendarDefinition Calendar);

[GenerateSerializer, Immutable, Alias("school.upsert.v1")]
public sealed record UpsertSchool([property: Id(0)] School School);

/// <summary>The principal's overrides of the municipality's thresholds for one school.</summary>
[GenerateSerializer, Immutable, Alias("school.change-rules.v1")]
public sealed record ChangeSchoolRules(
    [property: Id(0)] ImmutableArray<RuleOverride> Overrides, [property: Id(1)] StaffId ChangedBy, [property: Id(2)] string Reason);
