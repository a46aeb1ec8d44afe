namespace Samverkan.Host.Database;

/// <summary>Database settings (section <c>Samverkan:Database</c>); the connection string is <c>ConnectionStrings:Samverkan</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Samverkan:Database";

    /// <summary>The name of the connection string (<c>ConnectionStrings:Samverkan</c>).</summary>
    public const string ConnectionStringName = "Samverkan";

    /// <summary>Apply pending migrations when the host starts. Turn off when a deployment job runs <c>migrate</c> instead.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
