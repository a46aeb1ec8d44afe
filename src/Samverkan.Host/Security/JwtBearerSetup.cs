using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Samverkan.Domain.Common;

namespace Samverkan.Host.Security;

/// <summary>
/// Configures the bearer scheme from <see cref="SamverkanAuthenticationOptions"/>: issuer, audience, lifetime and an
/// asymmetric signature are validated; keys come from the JWKS URL (refreshed) or inline; in Development the demo
/// issuer's key is trusted too. After validation the claims must make a <see cref="Caller"/> and a person's
/// <c>acr</c> must reach the minimum, else 401.
/// </summary>
internal sealed class JwtBearerSetup(
    IOptions<SamverkanAuthenticationOptions> options,
    IServiceProvider services) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions bearer)
    {
        if (!string.Equals(name, SamverkanAuthentication.BearerScheme, StringComparison.Ordinal))
        {
            return;
        }

        // A token's lifetime is the service's time, as a session's is (not the runtime's clock).
        bearer.TimeProvider = services.GetRequiredService<ServiceClock>();

        var settings = options.Value;
        var issuers = new List<string>();
        var audiences = new List<string>();
        var keys = new List<SecurityKey>();
        if (settings.HasIdentityProvider)
        {
            issuers.Add(settings.Issuer!);
            audiences.Add(settings.Audience!);
            keys.AddRange(settings.InlineKeys() ?? []);
            if (!string.IsNullOrWhiteSpace(settings.JwksUri))
            {
                var uri = new Uri(settings.JwksUri);
                bearer.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    settings.JwksUri,
                    new JwksRetriever(settings.Issuer!),
                    new HttpDocumentRetriever { RequireHttps = !uri.IsLoopback })
                {
                    AutomaticRefreshInterval = settings.JwksRefreshInterval,
                    RefreshInterval = TimeSpan.FromMinutes(1),
                };
            }
        }

        if (services.GetService<DevelopmentTokenIssuer>() is { } development)
        {
            issuers.Add(DevelopmentIssuerOptions.IssuerName);
            audiences.Add(development.Audience);
            keys.Add(development.SigningKey);
        }

        bearer.MapInboundClaims = false;
        bearer.RequireHttpsMetadata = true;
        bearer.RefreshOnIssuerKeyNotFound = true;
        bearer.IncludeErrorDetails = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudiences = audiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = settings.ClockSkew,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = SamverkanAuthentication.Algorithms,
            NameClaimType = SamverkanClaims.Subject,
            RoleClaimType = SamverkanClaims.Roles,

            // An empty key or issuer list must refuse every token, never accept unsigned ones.
            TryAllIssuerSigningKeys = true,
        };
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = OnTokenValidatedAsync,
            OnAuthenticationFailed = OnAuthenticationFailedAsync,
            OnChallenge = OnChallengeAsync,
            OnForbidden = context => SecurityProblems.WriteAsync(
                context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "The caller may not use this endpoint."),
        };
    }

    private Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        if (context.Principal is { } principal && TokenRules.Check(principal, options.Value) is { } refusal)
        {
            context.Fail(refusal);
        }

        return Task.CompletedTask;
    }

    private static Task OnAuthenticationFailedAsync(AuthenticationFailedContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<JwtBearerSetup>>();
        SecurityLog.TokenRefused(logger, Describe(context.Exception));
        return Task.CompletedTask;
    }

    private async Task OnChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        string title;
        string detail;
        var header = new StringBuilder("Bearer");
        switch (failure)
        {
            case null:
                title = "Authentication required";
                detail = "Send a bearer token from the region's identity provider.";
                break;
            case TokenRefusedException { InsufficientAssurance: true }:
                // RFC 9470: the token is valid but the sign-in was not strong enough.
                title = "Stronger sign-in required";
                detail = "Sign in again with at least the required assurance level (acr_values).";
                header.Append(CultureInfo.InvariantCulture,
                    $" error=\"insufficient_user_authentication\", error_description=\"insufficient assurance level\", acr_values=\"{options.Value.EffectiveMinimumAssuranceLevel}\"");
                break;
            case SecurityTokenExpiredException:
                title = "Token expired";
                detail = "The bearer token has expired: get a new one.";
                header.Append(" error=\"invalid_token\", error_description=\"the token expired\"");
                break;
            default:
                title = "Invalid token";
                detail = "The bearer token was not accepted.";
                header.Append(" error=\"invalid_token\"");
                break;
        }

        context.Response.Headers.WWWAuthenticate = header.ToString();
        await SecurityProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, title, detail).ConfigureAwait(false);
    }

    /// <summary>A description without token contents.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        TokenRefusedException refused => refused.Message,
        SecurityTokenExpiredException => "expired",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenSignatureKeyNotFoundException => "signed with an unknown key",
        SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenInvalidAlgorithmException => "algorithm not accepted",
        SecurityTokenNoExpirationException => "no expiry",
        SecurityTokenNotYetValidException => "not yet valid",
        SecurityTokenMalformedException => "malformed",
        _ => exception.GetType().Name,
    };

    /// <summary>Reads a JWKS document as an OpenID configuration with only keys and the configured issuer.</summary>
    private sealed class JwksRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var document = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
            var keySet = new JsonWebKeySet(document);
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JwksUri = address, JsonWebKeySet = keySet };
            foreach (var key in keySet.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        }
    }
}

/// <summary>Problem details (RFC 9457) for the security answers: 401, 403, 404, 429, 503.</summary>
internal static class SecurityProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15." + (status switch
            {
                StatusCodes.Status401Unauthorized => "5.2",
                StatusCodes.Status403Forbidden => "5.4",
                StatusCodes.Status404NotFound => "5.5",
                StatusCodes.Status429TooManyRequests => "5.1",
                StatusCodes.Status503ServiceUnavailable => "6.4",
                _ => "5.1",
            }),
        };
        if (status == StatusCodes.Status429TooManyRequests)
        {
            problem.Type = "https://www.rfc-editor.org/rfc/rfc6585#section-4";
        }

        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted)
                .ConfigureAwait(false);
        }
    }
}
