using System.Collections.Immutable;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Children;

/// <summary>An enrolment at a school, from (inclusive) to (inclusive, null while ongoing).</summary>
public sealed record Enrolment(SchoolId School, DateOnly From, DateOnly? To = null)
{
    public bool Covers(DateOnly date) => date >= From && (To is null || date <= To);
}

/// <summary>The child's named person (trygghetsperson): the BVC nurse for small children, the principal for older ones.</summary>
public sealed record NamedPerson(StaffId Staff, Agency Agency);

/// <summary>A placement in care (placerat barn) by a municipality, possibly another than the home municipality.</summary>
public sealed record CarePlacement(MunicipalityCode PlacingMunicipality, DateOnly From, DateOnly? To = null);

/// <summary>
/// A child's roster data: keyed by the pseudonymous key only; guardians by reference only.
/// </summary>
public sealed record Child
{
    public required PseudonymousKey Key { get; init; }

    public required MunicipalityCode HomeMunicipality { get; init; }

    public ImmutableArray<Enrolment> Enrolments { get; init; } = [];

    public NamedPerson? NamedPerson { get; init; }

    public ImmutableArray<GuardianRef> Guardians { get; init; } = [];

    /// <summary>Skyddad folkbokföring / sekretessmarkering: school, address and placement are hidden from views.</summary>
    public bool ProtectedIdentity { get; init; }

    public CarePlacement? PlacedInCare { get; init; }

    /// <summary>
    /// The profile after a roster write by municipality <paramref name="by"/> (its systems or administrators): the child's
    /// home municipality writes the whole profile; any other municipality only its own schools' enrolments (a child may go to
    /// school where it does not live). Either way the enrolments at other municipalities' schools stay as they were: they are
    /// those municipalities' to change. <paramref name="municipalityOf"/> tells a school's municipality (null: unknown).
    /// </summary>
    public static Child WrittenBy(Child? stored, Child written, MunicipalityCode by, Func<SchoolId, MunicipalityCode?> municipalityOf)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(municipalityOf);
        if (stored is null)
        {
            return written;
        }

        ImmutableArray<Enrolment> enrolments =
        [
            .. written.Enrolments.Where(e => municipalityOf(e.School) == by),
            .. stored.Enrolments.Where(e => municipalityOf(e.School) != by),
        ];
        return stored.HomeMunicipality == by ? written with { Enrolments = enrolments } : stored with { Enrolments = enrolments };
    }

    /// <summary>The enrolment covering <paramref name="date"/> (the latest-starting one if several do).</summary>
    public Enrolment? EnrolmentAt(DateOnly date) => Enrolments.Where(e => e.Covers(date)).MaxBy(e => e.From);

    public bool IsEnrolledAt(SchoolId school, DateOnly date) => Enrolments.Any(e => e.School == school && e.Covers(date));

    /// <summary>Structural equality including the collections (records compare arrays by reference).</summary>
    public bool SameAs(Child? other) =>
        other is not null
        && Key == other.Key
        && HomeMunicipality == other.HomeMunicipality
        && Enrolments.SequenceEqual(other.Enrolments)
        && NamedPerson == other.NamedPerson
        && Guardians.SequenceEqual(other.Guardians)
        && ProtectedIdentity == other.ProtectedIdentity
        && PlacedInCare == other.PlacedInCare;
}
