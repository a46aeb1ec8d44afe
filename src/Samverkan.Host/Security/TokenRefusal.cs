namespace Samverkan.Host.Security;

/// <summary>Why a signature-valid token is still refused (claims Samverkan needs, or the assurance level).</summary>
internal sealed class TokenRefusedException(string reason, bool insufficientAssurance) : Exception(reason)
{
    public bool InsufficientAssurance { get; } = insufficientAssurance;
}

/// <summary>The checks after signature, issuer, audience and lifetime: the claims make a caller, and a person signed in strongly enough.</summary>
internal static class TokenRules
{
    /// <summary>Null when the principal is acceptable; otherwise the refusal.</summary>
    public static TokenRefusedException? Check(System.Security.Claims.ClaimsPrincipal principal, SamverkanAuthenticationOptions options)
    {
        var problem = CallerClaims.Read(principal, out var caller);
        if (problem is not null)
        {
            return new TokenRefusedException(problem, insufficientAssurance: false);
        }

        if (!caller.IsFeed && !options.MeetsAssurance(principal.FindFirst(SamverkanClaims.AssuranceLevel)?.Value))
        {
            return new TokenRefusedException("the assurance level (acr) is missing or below the minimum", insufficientAssurance: true);
        }

        return null;
    }
}
