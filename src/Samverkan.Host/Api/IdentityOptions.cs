namespace Samverkan.Host.Api;

/// <summary>How personal identity numbers are turned into pseudonymous keys (section <c>Samverkan:Identity</c>).</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Samverkan:Identity";

    /// <summary>
    /// The secret of the keyed hash (base64, at least 32 bytes). The same secret must be used by every node of a
    /// deployment for its whole life: changing it changes every child's key. Never logged. Required in Production; in
    /// Development, when unset, the nodes share one kept in the database (<see cref="Security.PseudonymSecret"/>);
    /// elsewhere, when unset, each process makes up its own (keys then change at every restart).
    /// </summary>
    public string? PseudonymSecret { get; set; }

    /// <summary>Accept test numbers in production (never real numbers outside production).</summary>
    public bool AllowTestNumbersInProduction { get; set; }

    /// <summary>
    /// A file of test identity numbers, one 12-digit number a line (Skatteverket's published series of test numbers in a
    /// real test environment). Outside production only these are accepted; with no file, no personal identity number is.
    /// </summary>
    public string? TestNumbersFile { get; set; }
}
