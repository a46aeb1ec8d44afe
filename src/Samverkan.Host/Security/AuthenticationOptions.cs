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

    /// <summary>The name of the session cookie <c>POST /signin</c> sets.</summary>
    public string CookieName { get; set; } = "samverkan.session";

    /// <summary>The longest a cookie session lasts (it never outlives the token it was made from).</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>The token issuer of the Development environment (never active elsewhere).</summary>
    public DevelopmentIssuerOptions Development { get; set; } = new();

    internal IReadOnlyList<string> EffectiveAssuranceLevels => AssuranceLevels is { Length: > 0 } levels ? levels : SwedishAssuranceLevels;

    internal string EffectiveMinimumAssuranceLevel => MinimumAssuranceLevel ?? SwedishAssuranceLevels[2];

    internal bool HasIdentityProvider => !string.IsNullOrWhiteSpace(Issuer);

    /// <summary>The configuration problems; empty when usable.</summary>
    internal IEnumerable<string> Problems(bool production)
    {
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

/// <summary>The Development token issuer (<c>/dev/token</c>, <c>/dev/signin</c>): an RSA key made at start-up.</summary>
public sealed class DevelopmentIssuerOptions
{
    public const string IssuerName = "https://samverkan.invalid/development";

    /// <summary>Whether the Development environment issues demo tokens (default true; ignored outside Development).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The lifetime of a demo token (default 8 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
