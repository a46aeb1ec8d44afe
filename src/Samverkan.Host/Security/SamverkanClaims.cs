namespace Samverkan.Host.Security;

/// <summary>The claims Samverkan reads from the region's tokens (JWT names; inbound claim mapping is off).</summary>
public static class SamverkanClaims
{
    /// <summary>The staff id, or a feed's client id.</summary>
    public const string Subject = "sub";

    public const string Organisation = "org";

    /// <summary>The municipality code (kommunkod).</summary>
    public const string Municipality = "municipality";

    /// <summary>An <see cref="Samverkan.Domain.Organisation.Agency"/> name, e.g. <c>School</c> or <c>SocialServices</c>.</summary>
    public const string Agency = "agency";

    /// <summary>Roles, one claim each: <see cref="Samverkan.Domain.Organisation.StaffRole"/> names, plus <see cref="AdministratorRole"/> and <see cref="AuditReviewerRole"/>.</summary>
    public const string Roles = "roles";

    public const string Region = "region";

    /// <summary>Space-separated OAuth scopes (or one claim per scope).</summary>
    public const string Scope = "scope";

    /// <summary>The authentication context class (assurance level) of a person's sign-in.</summary>
    public const string AssuranceLevel = "acr";

    /// <summary>The scope of a feed: a school or social-services system that posts absences, concerns and roster data.</summary>
    public const string IngestScope = "samverkan.ingest";

    /// <summary>The role that maintains the roster by hand (not a <see cref="Samverkan.Domain.Organisation.StaffRole"/>).</summary>
    public const string AdministratorRole = "Administrator";

    /// <summary>The role that may read the audit log (not a <see cref="Samverkan.Domain.Organisation.StaffRole"/>).</summary>
    public const string AuditReviewerRole = "AuditReviewer";

    /// <summary>
    /// The role that runs the deployment (the region's or municipality's IT operations): the cluster's own view, never a
    /// child's data (not a <see cref="Samverkan.Domain.Organisation.StaffRole"/>).
    /// </summary>
    public const string OperatorRole = "Operator";

    /// <summary>
    /// A coordinator for the whole region (with the <see cref="Region"/> claim): the statistics of every municipality of the
    /// region side by side, never a child's identity (not a <see cref="Samverkan.Domain.Organisation.StaffRole"/>).
    /// </summary>
    public const string RegionalCoordinatorRole = "RegionalCoordinator";
}
