using System.Collections.Immutable;
using System.Security.Claims;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Security;

/// <summary>The <see cref="Caller"/> of a request.</summary>
public static class CallerExtensions
{
    /// <summary>The authenticated caller; throws when the request is not authenticated (an endpoint without a policy).</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.TryGetCaller() ?? throw new InvalidOperationException(
            "The request has no authenticated caller: the endpoint must require one of the SamverkanPolicies.");

    /// <summary>The authenticated caller, or null for an anonymous request.</summary>
    public static Caller? TryGetCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<CallerFeature>() is { } feature && ReferenceEquals(feature.User, context.User))
        {
            return feature.Caller;
        }

        var caller = CallerClaims.TryRead(context.User, out var found) ? found : null;
        context.Features.Set(new CallerFeature(context.User, caller));
        return caller;
    }

    /// <summary>True when the principal holds <paramref name="role"/> in a <c>roles</c> claim (any role, not only <see cref="StaffRole"/>s).</summary>
    public static bool HasRole(this ClaimsPrincipal user, string role)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(SamverkanClaims.Roles).Any(c => string.Equals(c.Value, role, StringComparison.Ordinal));
    }

    /// <summary>
    /// True when a feed may post data of a school unit whose organiser is <paramref name="schoolOrganiser"/>: its own
    /// organisation's only (the pupils may live in any municipality). <see cref="WriteScope"/> asks it.
    /// </summary>
    public static bool MayIngestFor(this Caller caller, OrganisationId schoolOrganiser)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsFeed && caller.Organisation == schoolOrganiser;
    }

    private sealed record CallerFeature(ClaimsPrincipal User, Caller? Caller);
}

/// <summary>Reads a <see cref="Caller"/> from claims; the token validation refuses tokens this cannot read.</summary>
internal static class CallerClaims
{
    public static bool TryRead(ClaimsPrincipal? user, out Caller caller) => Read(user, out caller) is null;

    /// <summary>Null when the claims make a caller; otherwise why not (no claim values, so it can be logged).</summary>
    public static string? Read(ClaimsPrincipal? user, out Caller caller)
    {
        caller = null!;
        if (user?.Identity is not { IsAuthenticated: true })
        {
            return "not authenticated";
        }

        var subject = Single(user, SamverkanClaims.Subject);
        var organisation = Single(user, SamverkanClaims.Organisation);
        var municipality = Single(user, SamverkanClaims.Municipality);
        var agencyText = Single(user, SamverkanClaims.Agency);
        if (!StringIds.IsValid(subject))
        {
            return "the sub claim is missing or invalid";
        }

        if (!StringIds.IsValid(organisation))
        {
            return "the org claim is missing or invalid";
        }

        if (!StringIds.IsValid(municipality))
        {
            return "the municipality claim is missing or invalid";
        }

        if (agencyText is null || !Enum.TryParse<Agency>(agencyText, ignoreCase: false, out var agency) || !Enum.IsDefined(agency)
            || !char.IsLetter(agencyText[0]))
        {
            return "the agency claim is missing or not an agency";
        }

        var roles = user.FindAll(SamverkanClaims.Roles)
            .Select(c => Enum.TryParse<StaffRole>(c.Value, ignoreCase: false, out var role) && Enum.IsDefined(role) && char.IsLetter(c.Value[0])
                ? role
                : (StaffRole?)null)
            .Where(r => r is not null)
            .Select(r => r!.Value)
            .Distinct()
            .ToImmutableArray();
        var isFeed = HasScope(user, SamverkanClaims.IngestScope);
        var region = Single(user, SamverkanClaims.Region);
        caller = new Caller(
            new StaffId(subject!),
            new OrganisationId(organisation!),
            new MunicipalityCode(municipality!),
            agency,
            roles,
            IsCoordinator: !isFeed && roles.Contains(StaffRole.Coordinator),
            IsFeed: isFeed,
            RegionCode: string.IsNullOrWhiteSpace(region) ? null : region);
        return null;
    }

    /// <summary>True when a <c>scope</c> claim (space-separated, or one per scope) holds <paramref name="scope"/>.</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(SamverkanClaims.Scope)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);

    /// <summary>The claim's value when there is exactly one such claim; two different values are refused.</summary>
    private static string? Single(ClaimsPrincipal user, string type)
    {
        string? value = null;
        foreach (var claim in user.FindAll(type))
        {
            if (value is not null && !string.Equals(value, claim.Value, StringComparison.Ordinal))
            {
                return null;
            }

            value = claim.Value;
        }

        return value;
    }
}
