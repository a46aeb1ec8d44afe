using Samverkan.Domain.Common;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Host.Security;

/// <summary>What a caller did with data. Stored lower-case; the names are a contract of the audit table.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditAction>))]
public enum AuditAction
{
    /// <summary>Opened one child's (or one case's) data.</summary>
    Read,

    /// <summary>Changed a child's data (a concern, a decision, a case update).</summary>
    Write,

    /// <summary>Saw a child in a list (cases of a school, alerts).</summary>
    List,

    /// <summary>Took the data out of the system (a report, a file).</summary>
    Export,

    /// <summary>Read the audit log about a child.</summary>
    Review,
}

/// <summary>
/// One access to be audited: who (staff, organisation, municipality), which child (null for data about no one child),
/// what (action, resource), why (purpose), when, and the request and trace ids that tie it to logs and traces.
/// </summary>
public sealed record AuditEntry(
    StaffId Staff,
    OrganisationId Organisation,
    MunicipalityCode Municipality,
    PseudonymousKey? Child,
    AuditAction Action,
    string Purpose,
    string Resource,
    DateTimeOffset At,
    string? RequestId,
    string? TraceId)
{
    /// <summary>The header in which a caller states why they access the data.</summary>
    public const string PurposeHeader = "X-Samverkan-Purpose";

    /// <summary>The longest purpose kept.</summary>
    public const int MaxPurposeLength = 200;

    /// <summary>The purpose recorded when neither the caller nor the endpoint states one.</summary>
    public const string UnstatedPurpose = "not stated";

    /// <summary>
    /// The entry for the current request's caller: the purpose from <see cref="PurposeHeader"/>, else the endpoint's
    /// (<see cref="AuditPurposeExtensions.WithAuditPurpose{TBuilder}"/>), else <paramref name="defaultPurpose"/>; the
    /// resource is the method and route pattern.
    /// </summary>
    public static AuditEntry ForRequest(HttpContext context, AuditAction action, PseudonymousKey? child, string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.GetCaller();
        var time = context.RequestServices.GetService<ServiceClock>() ?? ServiceClock.System;
        return new AuditEntry(
            caller.Staff,
            caller.Organisation,
            caller.Municipality,
            child,
            action,
            PurposeOf(context, defaultPurpose),
            ResourceOf(context),
            time.GetUtcNow(),
            context.TraceIdentifier,
            Activity.Current?.TraceId.ToHexString());
    }

    /// <summary>The stated purpose, trimmed to <see cref="MaxPurposeLength"/> without control characters.</summary>
    public static string PurposeOf(HttpContext context, string? defaultPurpose = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stated = Clean(context.Request.Headers[PurposeHeader].ToString());
        if (stated.Length > 0)
        {
            return stated;
        }

        var endpointPurpose = context.GetEndpoint()?.Metadata.GetMetadata<AuditPurposeMetadata>()?.Purpose;
        return Clean(endpointPurpose ?? defaultPurpose ?? UnstatedPurpose) is { Length: > 0 } purpose ? purpose : UnstatedPurpose;
    }

    private static string ResourceOf(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var resource = context.Request.Method + " " + (pattern ?? context.Request.Path.Value ?? "/");
        return resource.Length <= 300 ? resource : resource[..300];
    }

    private static string Clean(string value)
    {
        var cleaned = new string(value.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return cleaned.Length <= MaxPurposeLength ? cleaned : cleaned[..MaxPurposeLength];
    }
}

/// <summary>An endpoint's default audit purpose.</summary>
public sealed record AuditPurposeMetadata(string Purpose);

public static class AuditPurposeExtensions
{
    /// <summary>The purpose audited for this endpoint when the caller states none in <c>X-Samverkan-Purpose</c>.</summary>
    public static TBuilder WithAuditPurpose<TBuilder>(this TBuilder builder, string purpose)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        return builder.WithMetadata(new AuditPurposeMetadata(purpose));
    }
}
