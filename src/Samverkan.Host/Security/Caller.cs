using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Security;

/// <summary>
/// Who is calling, from the validated token (or the cookie session made from one): a staff member acting for an
/// organisation in a municipality, or a feed (a school or social-services system, <see cref="IsFeed"/>) whose
/// <see cref="Staff"/> is its client id. Get it with <see cref="CallerExtensions.GetCaller"/>.
/// </summary>
/// <param name="Staff">The <c>sub</c> claim: the staff id, or a feed's client id.</param>
/// <param name="Organisation">The <c>org</c> claim.</param>
/// <param name="Municipality">The <c>municipality</c> claim: the tenant the caller acts in.</param>
/// <param name="Agency">The <c>agency</c> claim.</param>
/// <param name="Roles">The <c>roles</c> claims that are <see cref="StaffRole"/>s (others, such as <c>Administrator</c>, stay on the principal only).</param>
/// <param name="IsCoordinator">A person with the role <see cref="StaffRole.Coordinator"/>.</param>
/// <param name="IsFeed">A machine client with the scope <c>samverkan.ingest</c>.</param>
/// <param name="RegionCode">The <c>region</c> claim, if any.</param>
public sealed record Caller(
    StaffId Staff, OrganisationId Organisation, MunicipalityCode Municipality, Agency Agency,
    ImmutableArray<StaffRole> Roles, bool IsCoordinator, bool IsFeed, string? RegionCode);
