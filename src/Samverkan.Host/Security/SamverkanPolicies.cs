namespace Samverkan.Host.Security;

/// <summary>
/// Authorization policies. Every endpoint without a policy of its own still requires an authenticated caller
/// (the fallback policy); only health, the OpenAPI document and sign-in answer anonymously.
/// </summary>
public static class SamverkanPolicies
{
    /// <summary>An authenticated person (not a feed).</summary>
    public const string Staff = "samverkan.staff";

    /// <summary>A feed: scope <c>samverkan.ingest</c>. It may post for its own organisation and municipality only.</summary>
    public const string Feed = "samverkan.feed";

    /// <summary>A person with the role <c>Coordinator</c>: aggregates without identities.</summary>
    public const string Coordinator = "samverkan.coordinator";

    /// <summary>A feed, or a person with the role <c>Administrator</c>.</summary>
    public const string RosterAdmin = "samverkan.roster";

    /// <summary>A person with the role <c>AuditReviewer</c>: reads who accessed a child, verifies the audit chain.</summary>
    public const string AuditReviewer = "samverkan.audit";

    /// <summary>A person with the role <c>Operator</c>: the Orleans dashboard of the cluster, without grain state.</summary>
    public const string Operator = "samverkan.operator";
}
