namespace Samverkan.Abstractions;

/// <summary>The names of the silo's providers that grains refer to.</summary>
public static class GrainStorage
{
    /// <summary>The ADO.NET grain storage on the service's PostgreSQL, with System.Text.Json payloads.</summary>
    public const string Default = "samverkan";
}
