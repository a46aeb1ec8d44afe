namespace Samverkan.Host.Security;

/// <summary>Security events. Never personal data: no names, no child keys, no token contents; staff ids only where said.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Refused a token: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "No identity provider is configured (Samverkan:Authentication:Issuer): every request that needs a caller is refused with 401")]
    public static partial void NoIdentityProvider(ILogger logger);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "Development token issuer active: /dev/token and /dev/signin issue demo tokens (Development environment only)")]
    public static partial void DevelopmentIssuerActive(ILogger logger);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Cookie session started for a {Agency} caller")]
    public static partial void SessionStarted(ILogger logger, string agency);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Rate limit reached ({Partition}); answered 429")]
    public static partial void RateLimited(ILogger logger, string partition);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Sign-in refused: cross-site request")]
    public static partial void CrossSiteSignInRefused(ILogger logger);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Sign-in through the identity provider refused: {Reason}")]
    public static partial void OpenIdConnectSignInRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Information,
        Message = "Sign-in below the minimum assurance level: sent back to the identity provider for a step-up (acr_values)")]
    public static partial void StepUpRequested(ILogger logger);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Information, Message = "Session ended; sign-out at the identity provider: {AtProvider}")]
    public static partial void SessionEnded(ILogger logger, bool atProvider);

    [LoggerMessage(EventId = 7015, Level = LogLevel.Warning,
        Message = "No dashboard sign-in is configured (Samverkan:Authentication:OpenIdConnect:Authority): people cannot sign in to the dashboard")]
    public static partial void NoDashboardSignIn(ILogger logger);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Error, Message = "The audit log could not be written ({Entries} entries); the requests fail with 503")]
    public static partial void AuditWriteFailed(ILogger logger, int entries, Exception exception);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning,
        Message = "Audit anomaly {AnomalyId}: one user opened {DistinctChildren} distinct children's records within {WindowMinutes} minutes (threshold {Threshold})")]
    public static partial void AuditAnomaly(ILogger logger, long anomalyId, int distinctChildren, double windowMinutes, int threshold);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "The audit anomaly check failed")]
    public static partial void AnomalyCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Critical, Message = "Audit chain verification failed at entry {Sequence}: {Problem}")]
    public static partial void AuditChainBroken(ILogger logger, long sequence, string problem);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Information, Message = "Audit chain verified: {Entries} entries, head {HeadSequence}")]
    public static partial void AuditChainVerified(ILogger logger, long entries, long headSequence);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "Access to a child refused ({Reason}); answered 404")]
    public static partial void ChildAccessRefused(ILogger logger, string reason);
}
