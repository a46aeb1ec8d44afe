using System.Collections.Immutable;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Sharing;

namespace Samverkan.Host.Security;

/// <summary>
/// Need-to-know access to children, decided on the relations in the coordination read models at the moment of the
/// request. Endpoints use <see cref="ChildAccessExtensions.RequireChildAsync(IChildAccess, HttpContext, string, AuditAction, string?)"/>,
/// which answers 404 when not allowed and audits the access when allowed.
/// </summary>
public interface IChildAccess
{
    Task<ChildAccessDecision> DecideAsync(Caller caller, PseudonymousKey child, CancellationToken cancellationToken);

    /// <summary>The decision for a case: its participants see it whatever its status; others as for its child.</summary>
    Task<ChildAccessDecision> DecideCaseAsync(Caller caller, CaseId caseId, CancellationToken cancellationToken);

    /// <summary>
    /// Who may report a concern naming the child by its key: whoever may read it, and the social-services contact persons of
    /// its school, who receive the school's concerns, also before there is a concern, case or watch for them to see.
    /// </summary>
    Task<ChildAccessDecision> DecideReportAsync(Caller caller, PseudonymousKey child, CancellationToken cancellationToken);
}

/// <summary>The consents recorded for a child (the guardians' or the child's own), for the access decision.</summary>
public interface IChildConsents
{
    Task<ImmutableArray<Consent>> GetAsync(PseudonymousKey child, CancellationToken cancellationToken);
}

/// <summary>A child (or case) that does not exist or that the caller may not see: answered 404, the same in both cases.</summary>
public sealed class ChildNotFoundException : Exception
{
    public ChildNotFoundException()
        : base("No such child or case is visible to the caller.")
    {
    }

    public ChildNotFoundException(string message)
        : base(message)
    {
    }

    public ChildNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public static class ChildAccessExtensions
{
    /// <summary>
    /// The caller's access to <paramref name="childKey"/>: throws <see cref="ChildNotFoundException"/> (answered 404) when
    /// the key is malformed, unknown or not visible to the caller; otherwise records <paramref name="action"/> in the
    /// audit log (throws <see cref="AuditUnavailableException"/>, answered 503, when it cannot) and returns the decision.
    /// </summary>
    public static Task<ChildAccessDecision> RequireChildAsync(
        this IChildAccess access, HttpContext context, string childKey, AuditAction action = AuditAction.Read, string? defaultPurpose = null)
    {
        if (!PseudonymousKey.IsWellFormed(childKey))
        {
            throw new ChildNotFoundException();
        }

        return access.RequireChildAsync(context, new PseudonymousKey(childKey), action, defaultPurpose);
    }

    /// <inheritdoc cref="RequireChildAsync(IChildAccess, HttpContext, string, AuditAction, string?)"/>
    public static async Task<ChildAccessDecision> RequireChildAsync(
        this IChildAccess access, HttpContext context, PseudonymousKey child, AuditAction action = AuditAction.Read, string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(context);
        var decision = await access.DecideAsync(context.GetCaller(), child, context.RequestAborted).ConfigureAwait(false);
        return await AuditOrRefuseAsync(context, decision, action, defaultPurpose).ConfigureAwait(false);
    }

    /// <summary>As <see cref="RequireChildAsync(IChildAccess, HttpContext, PseudonymousKey, AuditAction, string?)"/>, for reporting a concern (<see cref="IChildAccess.DecideReportAsync"/>), audited as a write.</summary>
    public static async Task<ChildAccessDecision> RequireReportableChildAsync(this IChildAccess access, HttpContext context, PseudonymousKey child)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(context);
        var decision = await access.DecideReportAsync(context.GetCaller(), child, context.RequestAborted).ConfigureAwait(false);
        return await AuditOrRefuseAsync(context, decision, AuditAction.Write, "report of concern").ConfigureAwait(false);
    }

    /// <summary>As <see cref="RequireChildAsync(IChildAccess, HttpContext, string, AuditAction, string?)"/>, for a case (audited under its child).</summary>
    public static async Task<ChildAccessDecision> RequireCaseAsync(
        this IChildAccess access, HttpContext context, string caseId, AuditAction action = AuditAction.Read, string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(context);
        if (!Samverkan.Domain.Common.StringIds.IsValid(caseId))
        {
            throw new ChildNotFoundException();
        }

        var decision = await access.DecideCaseAsync(context.GetCaller(), new CaseId(caseId), context.RequestAborted).ConfigureAwait(false);
        return await AuditOrRefuseAsync(context, decision, action, defaultPurpose).ConfigureAwait(false);
    }

    private static async Task<ChildAccessDecision> AuditOrRefuseAsync(
        HttpContext context, ChildAccessDecision decision, AuditAction action, string? defaultPurpose)
    {
        if (!decision.Allowed)
        {
            SecurityLog.ChildAccessRefused(
                context.RequestServices.GetRequiredService<ILogger<IChildAccess>>(), decision.DenialReason ?? "not allowed");
            throw new ChildNotFoundException();
        }

        var audit = context.RequestServices.GetRequiredService<IAuditLog>();
        await audit.RecordAsync(context, action, decision.Child, defaultPurpose).ConfigureAwait(false);
        return decision;
    }
}
