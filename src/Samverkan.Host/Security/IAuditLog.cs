using Samverkan.Domain.Identity;

namespace Samverkan.Host.Security;

/// <summary>
/// The append-only, hash-chained audit log. <see cref="RecordAsync(AuditEntry, CancellationToken)"/> returns once the
/// entry is committed; when it cannot be written it throws <see cref="AuditUnavailableException"/>, which the host
/// answers with 503 and Retry-After: child data is never served unaudited. Entries from concurrent requests are
/// committed together (group commit), so auditing every read costs one short wait, not one transaction each.
/// </summary>
public interface IAuditLog
{
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Several entries (a list of children), committed together.</summary>
    Task RecordAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken);
}

/// <summary>The audit log could not be written (database down, too slow, or refused): the request must fail.</summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException()
        : base("The audit log is unavailable.")
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public static class AuditLogExtensions
{
    /// <summary>Records what the current request's caller does with <paramref name="child"/>'s data (or with no child's).</summary>
    public static Task RecordAsync(
        this IAuditLog log, HttpContext context, AuditAction action, PseudonymousKey? child, string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(context);
        return log.RecordAsync(AuditEntry.ForRequest(context, action, child, defaultPurpose), context.RequestAborted);
    }

    /// <summary>Records one entry per child, e.g. the children a list shows, committed together.</summary>
    public static Task RecordChildrenAsync(
        this IAuditLog log, HttpContext context, IEnumerable<PseudonymousKey> children, AuditAction action = AuditAction.List,
        string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(children);
        var entries = children.Distinct().Select(child => AuditEntry.ForRequest(context, action, child, defaultPurpose)).ToArray();
        return entries.Length == 0 ? Task.CompletedTask : log.RecordAsync(entries, context.RequestAborted);
    }
}
