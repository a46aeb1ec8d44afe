using Microsoft.IdentityModel.Tokens;

namespace Samverkan.Host.Security;

/// <summary>
/// The region's identity provider (section <c>Samverkan:Authentication</c>): who issues the tokens, for which audience,
/// with which keys, and the assurance level a person's sign-in must reach.
/// </summary>
public sealed class SamverkanAuthenticationOptions
{
    public const string SectionName = "Samverkan:Authentication";

    /// <summary>The Swedish eID assurance levels (tillitsnivåer) 1 to 4, lowest first.</summary>
    public static readonly IReadOnlyList<string> SwedishAssuranceLevels =
    [
        "http://id.elegnamnden.se/loa/1.0/loa1",
        "http://id.elegnamnden.se/loa/1.0/loa2",
        "http://id.elegnamnden.se/loa/1.0/loa3",
        "http://id.elegnamnden.se/loa/1.0/loa4",
    ];

    /// <summary>The <c>iss</c> the identity provider puts in its tokens. Required in Production.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> Samverkan's tokens carry. Required with <see cref="Issuer"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Where the identity provider publishes its signing keys (a JWKS document, https). Fetched and refreshed.</summary>
    public string? JwksUri { get; set; }

    /// <summary>The signing keys inline, as a JWKS document (<c>{"keys":[…]}</c>), for providers without a JWKS endpoint.</summary>
    public string? Jwks { get; set; }

    /// <summary>How often keys from <see cref="JwksUri"/> are fetched again (default 12 hours; sooner when an unknown key id arrives).</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Tolerated clock difference when checking <c>exp</c> and <c>nbf</c> (default 1 minute).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The accepted <c>acr</c> values, lowest first; default <see cref="SwedishAssuranceLevels"/>.</summary>
    public string[]? AssuranceLevels { get; set; }

    /// <summary>
    /// The lowest <c>acr</c> a person's token may carry (one of <see cref="AssuranceLevels"/>); default LoA 3
    /// ("substantial"), as information under secrecy calls for. Feeds (client credentials) have no <c>acr</c> and are exempt.
    /// </summary>
    public string? MinimumAssuranceLevel { get; set; }

    /// <summary>The name of the dashboard's session cookie (set by the OpenID Connect sign-in, or in Development the demo sign-in).</summary>
    public string CookieName { get; set; } = "samverkan.session";

    /// <summary>The longest a cookie session lasts, from sign-in, not sliding (a session made from a token never outlives it).</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>The dashboard's sign-in through the region's OpenID Connect provider (section <c>OpenIdConnect</c>).</summary>
    public OpenIdConnectSignInOptions OpenIdConnect { get; set; } = new();

    /// <summary>The token issuer of the Development environment (never active elsewhere).</summary>
    public DevelopmentIssuerOptions Development { get; set; } = new();

    internal IReadOnlyList<string> EffectiveAssuranceLevels => AssuranceLevels is { Length: > 0 } levels ? levels : SwedishAssuranceLevels;

    internal string EffectiveMinimumAssuranceLevel => MinimumAssuranceLevel ?? SwedishAssuranceLevels[2];

    internal bool HasIdentityProvider => !string.IsNullOrWhiteSpace(Issuer);

    /// <summary>The <c>acr_values</c> of a step-up: the minimum level and every stronger one, space-separated, strongest last.</summary>
    internal string StepUpAcrValues
    {
        get
        {
            var levels = EffectiveAssuranceLevels;
            var minimum = IndexOf(levels, EffectiveMinimumAssuranceLevel);
            return string.Join(' ', levels.Skip(Math.Max(minimum, 0)));
        }
    }

    /// <summary>The configuration problems; empty when usable.</summary>
    internal IEnumerable<string> Problems(bool production)
    {
        foreach (var problem in OpenIdConnect.Problems(production))
        {
            yield return problem;
        }

        if (!HasIdentityProvider)
        {
            if (production)
            {
                yield return "Samverkan:Authentication:Issuer, Audience and JwksUri (or Jwks) must be set in Production: no token can be accepted without them.";
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Samverkan:Authentication:Audience must be set with Issuer.";
        }

        if (string.IsNullOrWhiteSpace(JwksUri) && string.IsNullOrWhiteSpace(Jwks))
        {
            yield return "Samverkan:Authentication:JwksUri or Jwks must be set with Issuer.";
        }

        if (!string.IsNullOrWhiteSpace(JwksUri)
            && (!Uri.TryCreate(JwksUri, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.IsLoopback && !production))))
        {
            yield return "Samverkan:Authentication:JwksUri must be an absolute https URL.";
        }

        if (!string.IsNullOrWhiteSpace(Jwks) && InlineKeys() is null)
        {
            yield return "Samverkan:Authentication:Jwks is not a JWKS document with at least one key.";
        }

        if (!EffectiveAssuranceLevels.Contains(EffectiveMinimumAssuranceLevel, StringComparer.Ordinal))
        {
            yield return "Samverkan:Authentication:MinimumAssuranceLevel must be one of AssuranceLevels.";
        }

        if (JwksRefreshInterval < TimeSpan.FromMinutes(1) || ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            yield return "Samverkan:Authentication: JwksRefreshInterval must be at least a minute and ClockSkew between 0 and 5 minutes.";
        }
    }

    /// <summary>The keys of <see cref="Jwks"/>, or null when it does not parse.</summary>
    internal IList<SecurityKey>? InlineKeys()
    {
        if (string.IsNullOrWhiteSpace(Jwks))
        {
            return [];
        }

        try
        {
            var keys = new JsonWebKeySet(Jwks).GetSigningKeys();
            return keys.Count > 0 ? keys : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="acr"/> reaches the minimum level.</summary>
    internal bool MeetsAssurance(string? acr)
    {
        if (string.IsNullOrEmpty(acr))
        {
            return false;
        }

        var levels = EffectiveAssuranceLevels;
        var index = IndexOf(levels, acr);
        return index >= 0 && index >= IndexOf(levels, EffectiveMinimumAssuranceLevel);
    }

    private static int IndexOf(IReadOnlyList<string> levels, string value)
    {
        for (var i = 0; i < levels.Count; i++)
        {
            if (string.Equals(levels[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// The dashboard's sign-in through the region's OpenID Connect provider (section <c>Samverkan:Authentication:OpenIdConnect</c>):
/// authorization code flow with PKCE, endpoints and keys from the provider's discovery document, our claims read from
/// the claim names the provider uses. Active when <see cref="Authority"/> is set.
/// </summary>
public sealed class OpenIdConnectSignInOptions
{
    /// <summary>The provider's issuer URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's address when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Samverkan's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (a confidential client; from a secret store, never in a file in the repository).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for (default <c>openid profile</c>); <c>openid</c> is always asked for.</summary>
    public string[]? Scopes { get; set; }

    /// <summary>Where the provider sends the browser back after sign-in (default <c>/signin-oidc</c>).</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>Where the provider sends the browser back after sign-out (default <c>/signout-callback-oidc</c>).</summary>
    public string SignedOutCallbackPath { get; set; } = "/signout-callback-oidc";

    /// <summary>Whether the claims are also read from the provider's userinfo endpoint (default true; else from the id token only).</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; } = true;

    /// <summary>Which of the provider's claims carry ours.</summary>
    public OpenIdConnectClaimNames Claims { get; set; } = new();

    internal bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    internal IReadOnlyList<string> EffectiveScopes =>
        ["openid", .. (Scopes is { Length: > 0 } scopes ? scopes : ["profile"]).Where(s => !string.IsNullOrWhiteSpace(s) && s != "openid").Distinct(StringComparer.Ordinal)];

    internal IEnumerable<string> Problems(bool production)
    {
        if (!Enabled)
        {
            yield break;
        }

        const string Section = "Samverkan:Authentication:OpenIdConnect";
        foreach (var (key, value) in new[] { ("Authority", Authority), ("MetadataAddress", MetadataAddress) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsAllowedUrl(value, production))
            {
                yield return $"{Section}:{key} must be an absolute https URL (plain http only to a loopback address outside Production).";
            }
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return $"{Section}:ClientId must be set with Authority.";
        }

        if (!CallbackPath.StartsWith('/') || !SignedOutCallbackPath.StartsWith('/') || CallbackPath == SignedOutCallbackPath)
        {
            yield return $"{Section}: CallbackPath and SignedOutCallbackPath must be two different paths starting with '/'.";
        }

        if (new[] { Claims.StaffId, Claims.Name, Claims.Organisation, Claims.Municipality, Claims.Agency, Claims.Roles, Claims.Region, Claims.AssuranceLevel }
            .Any(string.IsNullOrWhiteSpace))
        {
            yield return $"{Section}:Claims: every claim name must be set (leave one out to keep its default).";
        }
    }

    internal static bool IsAllowedUrl(string value, bool production) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && !production));
}

/// <summary>The provider's names of the claims Samverkan reads (defaults: Samverkan's own names, as in bearer tokens).</summary>
public sealed class OpenIdConnectClaimNames
{
    /// <summary>The staff id (the person's id in the roster; default <c>sub</c>), e.g. an HSA-id or employee number claim.</summary>
    public string StaffId { get; set; } = SamverkanClaims.Subject;

    /// <summary>The person's display name (default <c>name</c>).</summary>
    public string Name { get; set; } = "name";

    /// <summary>The organisation id (default <c>org</c>).</summary>
    public string Organisation { get; set; } = SamverkanClaims.Organisation;

    /// <summary>The municipality code, kommunkod (default <c>municipality</c>).</summary>
    public string Municipality { get; set; } = SamverkanClaims.Municipality;

    /// <summary>The agency, e.g. <c>School</c> or <c>SocialServices</c> (default <c>agency</c>).</summary>
    public string Agency { get; set; } = SamverkanClaims.Agency;

    /// <summary>The roles: one claim each, a JSON array, or space-separated (default <c>roles</c>).</summary>
    public string Roles { get; set; } = SamverkanClaims.Roles;

    /// <summary>The region code, for regional teams (default <c>region</c>; optional in a sign-in).</summary>
    public string Region { get; set; } = SamverkanClaims.Region;

    /// <summary>The assurance level, read from the id token only (default <c>acr</c>).</summary>
    public string AssuranceLevel { get; set; } = SamverkanClaims.AssuranceLevel;
}

/// <summary>The Development token issuer (<c>/dev/token</c>, <c>/dev/signin</c>): an RSA key made at start-up.</summary>
public sealed class DevelopmentIssuerOptions
{
    public const string IssuerName = "https://samverkan.invalid/development";

    /// <summary>Whether the Development environment issues demo tokens (default true; ignored outside Development).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The lifetime of a demo token (default 8 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
