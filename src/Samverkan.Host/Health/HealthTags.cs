namespace Samverkan.Host.Health;

/// <summary>
/// Tags that place a health check. A feature adds a readiness check with
/// <c>services.AddHealthChecks().AddCheck&lt;T&gt;("name", tags: [HealthTags.Ready])</c> (the tag is the string <c>ready</c>).
/// </summary>
public static class HealthTags
{
    /// <summary>Checks that must pass before the node takes traffic (<c>/health/ready</c>).</summary>
    public const string Ready = "ready";
}
