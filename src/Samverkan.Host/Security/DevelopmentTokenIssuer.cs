using Samverkan.Domain.Common;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Samverkan.Host.Security;

/// <summary>
/// Development only: signs demo tokens with an RSA key made at start-up (never stored). The bearer scheme trusts this
/// key and issuer in Development, so demo tokens take the very same validation path as the region's tokens.
/// </summary>
public sealed class DevelopmentTokenIssuer : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly SamverkanAuthenticationOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();

    public DevelopmentTokenIssuer(IOptions<SamverkanAuthenticationOptions> options, ServiceClock time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        SigningKey = new RsaSecurityKey(_rsa) { KeyId = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
        Audience = string.IsNullOrWhiteSpace(_options.Audience) ? SamverkanAuthentication.DefaultAudience : _options.Audience;
    }

    public SecurityKey SigningKey { get; }

    public string Audience { get; }

    public TimeSpan Lifetime => _options.Development.TokenLifetime;

    /// <summary>A signed token with <paramref name="user"/>'s claims (and, for a person, the minimum assurance level).</summary>
    public string Issue(DevUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = _time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [SamverkanClaims.Subject] = user.Staff,
            [SamverkanClaims.Organisation] = user.Organisation,
            [SamverkanClaims.Municipality] = user.Municipality,
            [SamverkanClaims.Agency] = user.Agency,
            [SamverkanClaims.Roles] = user.Roles.ToArray(),
            ["name"] = user.Name,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (!string.IsNullOrWhiteSpace(user.Region))
        {
            claims[SamverkanClaims.Region] = user.Region;
        }

        if (!string.IsNullOrWhiteSpace(user.Scope))
        {
            claims[SamverkanClaims.Scope] = user.Scope;
        }
        else
        {
            claims[SamverkanClaims.AssuranceLevel] = _options.EffectiveMinimumAssuranceLevel;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevelopmentIssuerOptions.IssuerName,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => _rsa.Dispose();
}
