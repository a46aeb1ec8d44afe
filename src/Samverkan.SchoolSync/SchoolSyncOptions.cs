using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;

namespace Samverkan.SchoolSync;

/// <summary>The SS 12000 sources this deployment pulls from (<c>Samverkan:SchoolSync</c>).</summary>
public sealed class SchoolSyncOptions
{
    public const string SectionName = "Samverkan:SchoolSync";

    /// <summary>The sources; none configured, nothing is pulled.</summary>
    public List<SchoolSyncSource> Sources { get; init; } = [];

    /// <summary>Items asked per page (<c>limit</c>).</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>Attempts of one request that answers 429, 5xx or not at all, before the run gives up (the watermark stays).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first backoff without a <c>Retry-After</c>; doubled per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, also for a larger <c>Retry-After</c>.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The timeout of one request to a source.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often each node looks for sources registered through the API that it has not scheduled yet.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One SS 12000 source: a school administration system of one school organiser.</summary>
public sealed class SchoolSyncSource
{
    /// <summary>The source's name: the key of its runner, its watermarks and the <c>source</c> of its absence registrations.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$")]
    public string Name { get; set; } = "";

    /// <summary>The municipality (code) whose roster the source writes.</summary>
    [Required]
    public string Municipality { get; set; } = "";

    /// <summary>The school organiser's organisation id in Samverkan: the schools' and staff's organisation.</summary>
    [Required]
    public string Organisation { get; set; } = "";

    /// <summary>The API's base URL, for example <c>https://skolsystem.example/ss12000/v2.1/</c>.</summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>The OAuth 2.0 token endpoint (client credentials grant); none, no bearer token is sent (client certificate only).</summary>
    public Uri? TokenUrl { get; set; }

    public string ClientId { get; set; } = "";

    /// <summary>The client secret: never logged or echoed (the type's <see cref="ToString"/> leaves it out).</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A client certificate for mutual TLS: a PKCS #12 (PFX) file, from configuration.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The password of <see cref="ClientCertificatePath"/>, if any (never logged).</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>A client certificate for mutual TLS as PKCS #12 bytes without a password (a source registered through the API).</summary>
    public byte[]? ClientCertificateData { get; set; }

    /// <summary>Where the source is defined: <see cref="ConfigurationOrigin"/> or <see cref="ApiOrigin"/>.</summary>
    public string Origin { get; set; } = ConfigurationOrigin;

    /// <summary>The version of an API-registered source's settings (0 from configuration): cached tokens and TLS clients are per revision.</summary>
    public int Revision { get; set; }

    /// <summary>The <c>scope</c> asked for in the token request, if the source wants one.</summary>
    public string? Scope { get; set; }

    /// <summary>The SS 12000 ids (UUIDs) of the school units this source covers; their data only is pulled.</summary>
    public List<string> SchoolUnits { get; init; } = [];

    /// <summary>How often the runner pulls (an Orleans reminder: at least one minute).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    public const string ConfigurationOrigin = "configuration";

    public const string ApiOrigin = "api";

    /// <summary>OAuth 2.0 client credentials are configured (a bearer token is sent).</summary>
    public bool UsesOAuth => TokenUrl is not null;

    public bool HasClientCertificate => ClientCertificateData is { Length: > 0 } || !string.IsNullOrEmpty(ClientCertificatePath);

    /// <summary>The client certificate with its private key, or null.</summary>
    public X509Certificate2? LoadClientCertificate() =>
        ClientCertificateData is { Length: > 0 } data ? X509CertificateLoader.LoadPkcs12(data, null)
        : !string.IsNullOrEmpty(ClientCertificatePath) ? X509CertificateLoader.LoadPkcs12FromFile(ClientCertificatePath, ClientCertificatePassword)
        : null;

    /// <summary>The source's settings are complete: ids, base URL, school units, and OAuth client credentials or a client certificate (or both).</summary>
    public bool IsValid() =>
        System.Text.RegularExpressions.Regex.IsMatch(Name, "^[a-z0-9][a-z0-9-]{0,62}$")
        && SchoolSyncMapping.IsId(Municipality) && SchoolSyncMapping.IsId(Organisation)
        && BaseUrl is { IsAbsoluteUri: true }
        && (TokenUrl is null ? HasClientCertificate : TokenUrl.IsAbsoluteUri && ClientId.Length > 0 && ClientSecret.Length > 0)
        && SchoolUnits.Count > 0 && SchoolUnits.All(SchoolSyncMapping.IsId);

    public override string ToString() => $"SS 12000 source {Name} ({Municipality}, {SchoolUnits.Count} school units)";
}
