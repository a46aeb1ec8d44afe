using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Samverkan.Testing;

/// <summary>A stand-in for the region's identity provider: an RSA key, its JWKS, and signed tokens.</summary>
public sealed class TestTokens : IDisposable
{
    public const string Issuer = "https://idp.test.invalid";
    public const string Audience = "samverkan";
    private const string Loa3 = "http://id.elegnamnden.se/loa/1.0/loa3";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    public TestTokens()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "test-key" };
    }

    /// <summary>The public key as an inline JWKS document (configuration <c>Samverkan:Authentication:Jwks</c>).</summary>
    public string Jwks
    {
        get
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            var jwk = new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = _key.KeyId,
                ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            };
            return JsonSerializer.Serialize(new { keys = new[] { jwk } });
        }
    }

    /// <summary>A person's token. Valid for a wide window around both real and test time, whichever clock checks it.</summary>
    public string Person(string staff, string organisation, string municipality, string agency, params string[] roles) =>
        Issue(staff, organisation, municipality, agency, roles, [new Claim("acr", Loa3)]);

    /// <summary>A regional health professional's token (with the <c>region</c> claim).</summary>
    public string RegionalPerson(string staff, string organisation, string municipality, string region, string agency, params string[] roles) =>
        Issue(staff, organisation, municipality, agency, roles, [new Claim("acr", Loa3), new Claim("region", region)]);

        /// <summary>A school or social-services system's token (client credentials, scope samverkan.ingest).</summary>
    public string Feed(string client, string organisation, string municipality, string agency) =>
        Issue(client, organisation, municipality, agency, [], [new Claim("scope", "samverkan.ingest")]);

    public void Dispose() => _rsa.Dispose();

    private string Issue(string subject, string organisation, string municipality, string agency, string[] roles, Claim[] extra)
    {
        var claims = new List<Claim>
        {
            new("sub", subject),
            new("org", organisation),
            new("municipality", municipality),
            new("agency", agency),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        claims.AddRange(extra);
        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        var token = handler.CreateJwtSecurityToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = DateTime.UtcNow.AddYears(-2),
            IssuedAt = DateTime.UtcNow.AddYears(-2),
            Expires = DateTime.UtcNow.AddYears(2),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
        return handler.WriteToken(token);
    }
}
