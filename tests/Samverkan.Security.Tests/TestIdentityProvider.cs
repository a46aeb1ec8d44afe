using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Samverkan.Host.Security;

namespace Samverkan.Security.Tests;

/// <summary>A stand-in for the region's identity provider: its own RSA key, issuer and audience, and tokens made to order.</summary>
internal sealed class TestIdentityProvider : IDisposable
{
    public const string Issuer = "https://idp.region.test";
    public const string Audience = "samverkan-api";
    public const string Loa3 = "http://id.elegnamnden.se/loa/1.0/loa3";
    public const string Loa2 = "http://id.elegnamnden.se/loa/1.0/loa2";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _otherRsa = RSA.Create(2048);
    private readonly JsonWebTokenHandler _handler = new();

    public TestIdentityProvider()
    {
        Key = new RsaSecurityKey(_rsa) { KeyId = "region-key-1" };

        // Another key under the same key id: a token signed with it has a wrong signature.
        ForgedKey = new RsaSecurityKey(_otherRsa) { KeyId = "region-key-1" };
    }

    public RsaSecurityKey Key { get; }

    public RsaSecurityKey ForgedKey { get; }

    /// <summary>The public key as a JWKS document (for <c>Samverkan:Authentication:Jwks</c> or a JWKS URL).</summary>
    public string Jwks
    {
        get
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = Key.KeyId });
            return JsonSerializer.Serialize(new
            {
                keys = new[] { new { kty = jwk.Kty, use = "sig", kid = jwk.Kid, alg = "RS256", n = jwk.N, e = jwk.E } },
            });
        }
    }

    /// <summary>The settings that make the host trust this provider with inline keys.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Samverkan:Authentication:Issuer"] = Issuer,
        ["Samverkan:Authentication:Audience"] = Audience,
        ["Samverkan:Authentication:Jwks"] = Jwks,
    };

    /// <summary>A token for <paramref name="person"/>; every part can be spoiled for the negative tests.</summary>
    public string Token(
        TestPerson person,
        string? issuer = Issuer,
        string? audience = Audience,
        TimeSpan? lifetime = null,
        DateTime? notBefore = null,
        SecurityKey? key = null,
        string? acr = Loa3,
        Action<Dictionary<string, object>>? edit = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        var claims = person.Claims();
        if (person.Scope is null && acr is not null)
        {
            claims[SamverkanClaims.AssuranceLevel] = acr;
        }

        edit?.Invoke(claims);
        var start = notBefore ?? DateTime.UtcNow.AddMinutes(-1);
        var end = start + (lifetime ?? TimeSpan.FromHours(1));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = end,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public string UnsignedToken(TestPerson person)
    {
        var claims = person.Claims();
        claims[SamverkanClaims.AssuranceLevel] = Loa3;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = claims,
        });
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _otherRsa.Dispose();
    }
}

/// <summary>Who a token is for.</summary>
internal sealed record TestPerson(
    string Staff, string Organisation, string Municipality, string Agency, string[] Roles, string? Region = null, string? Scope = null)
{
    public static TestPerson Counsellor(string staff = "staff-counsellor", string municipality = "1001") =>
        new(staff, "org-school-1", municipality, "School", ["Counsellor"], "01");

    public static TestPerson Feed(string client = "feed-school-1") =>
        new(client, "org-school-1", "1001", "School", [], "01", SamverkanClaims.IngestScope);

    public Dictionary<string, object> Claims()
    {
        var claims = new Dictionary<string, object>
        {
            [SamverkanClaims.Subject] = Staff,
            [SamverkanClaims.Organisation] = Organisation,
            [SamverkanClaims.Municipality] = Municipality,
            [SamverkanClaims.Agency] = Agency,
            [SamverkanClaims.Roles] = Roles,
        };
        if (Region is not null)
        {
            claims[SamverkanClaims.Region] = Region;
        }

        if (Scope is not null)
        {
            claims[SamverkanClaims.Scope] = Scope;
        }

        return claims;
    }
}
