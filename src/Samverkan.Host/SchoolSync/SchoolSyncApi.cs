using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Samverkan.Domain.Common;
using Samverkan.Host.Api;
using Samverkan.Host.Security;
using Samverkan.SchoolSync;

namespace Samverkan.Host.SchoolSync;

/// <summary>OAuth 2.0 client credentials of a source. <see cref="ClientSecret"/> left out on an update keeps the stored one.</summary>
public sealed record SourceOAuthBody(string? TokenUrl, string? ClientId, string? ClientSecret, string? Scope);

/// <summary>
/// A client certificate with its private key for mutual TLS: <see cref="Pfx"/> (base64 PKCS #12) or
/// <see cref="CertificatePem"/> with <see cref="PrivateKeyPem"/>; <see cref="Password"/> if the file or key is encrypted.
/// An empty object on an update keeps the stored certificate.
/// </summary>
public sealed record SourceCertificateBody(string? Pfx, string? CertificatePem, string? PrivateKeyPem, string? Password);

/// <summary>The body of <c>POST</c> (with <see cref="Id"/>) and <c>PUT</c> of a source.</summary>
public sealed record SourceBody(
    string? Id,
    string? Organisation,
    string? BaseUrl,
    [property: JsonPropertyName("oauth")] SourceOAuthBody? OAuth,
    SourceCertificateBody? ClientCertificate,
    List<string>? SchoolUnits,
    TimeSpan? PollInterval);

public sealed record SourceOAuthView(string TokenUrl, string? ClientId, string? Scope, bool HasSecret);

public sealed record SourceCertificateView(bool HasSecret, string? Thumbprint, string? Subject, DateTimeOffset? NotAfter);

/// <summary>A source's runs as operators see them; <see cref="Items"/> are the last run's counts per kind and outcome.</summary>
public sealed record SourceStateView(
    bool Running,
    DateTimeOffset? LastStarted,
    DateTimeOffset? LastFinished,
    DateTimeOffset? LastSuccess,
    double? LagSeconds,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? BackoffUntil,
    IReadOnlyDictionary<string, int> Items);

/// <summary>A source as the API shows it: never a secret, only <c>hasSecret</c>.</summary>
public sealed record SourceView(
    string Id,
    string Municipality,
    string Organisation,
    string BaseUrl,
    IReadOnlyList<string> SchoolUnits,
    TimeSpan PollInterval,
    string Origin,
    bool ReadOnly,
    int Version,
    [property: JsonPropertyName("oauth")] SourceOAuthView? OAuth,
    SourceCertificateView? ClientCertificate,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    SourceStateView State);

public sealed record SyncRequested(string Id, bool Started);

/// <summary>
/// The municipality's SS 12000 sources (docs/school-sync.md), managed by its IT operators (role <c>Operator</c> in the
/// municipality of the path): list, register, read (with the state of its runs), update (<c>If-Match</c>), remove, and
/// sync now. Another municipality's sources do not exist for the caller (404). Sources from configuration are listed
/// read-only (origin <c>configuration</c>). Secrets are stored protected (Data Protection), never returned or logged.
/// </summary>
public static partial class SchoolSyncApi
{
    public const string Route = "/api/v1/municipalities/{code}/school-sync/sources";

    public const int MaxSchoolUnits = 500;
    public const int MaxCertificateBytes = 64 * 1024;
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromDays(1);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMinutes(5);

    public static RouteGroupBuilder MapSchoolSyncApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup(Route).WithTags("School sync").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListSchoolSyncSources").WithSummary("The municipality's SS 12000 sources with their state (never their secrets).");
        group.MapPost("/", CreateAsync).WithName("CreateSchoolSyncSource").WithSummary("Registers an SS 12000 source: base URL, OAuth client credentials and/or a client certificate, school units.");
        group.MapGet("/{id}", GetAsync).WithName("GetSchoolSyncSource").WithSummary("A source with its state; its ETag is the version for If-Match.");
        group.MapPut("/{id}", PutAsync).WithName("PutSchoolSyncSource").WithSummary("Replaces a registered source's settings (If-Match: its ETag); a secret left out stays.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteSchoolSyncSource").WithSummary("Removes a registered source: it is no longer polled.");
        group.MapPost("/{id}/sync", SyncAsync).WithName("SyncSchoolSyncSource").WithSummary("Starts a sync of the source now (202); its state shows the run.");
        return group;
    }

    private static async Task<Results<Ok<List<SourceView>>, ProblemHttpResult>> ListAsync(
        string code, HttpContext http, SchoolSyncSources sources, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await ViewsAsync(sources, code, null, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<SourceView>, ProblemHttpResult>> GetAsync(
        string code, string id, HttpContext http, SchoolSyncSources sources, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        var view = (await ViewsAsync(sources, code, id, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (view is null)
        {
            return ApiProblems.NotFound("source");
        }

        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Created<SourceView>, ProblemHttpResult>> CreateAsync(
        string code, SourceBody body, HttpContext http, SchoolSyncSources sources, IGrainFactory grains, IHostEnvironment environment,
        ILogger<SourceView> logger, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        var errors = new List<FieldError>();
        if (body.Id is null || !IdPattern().IsMatch(body.Id))
        {
            errors.Add(new FieldError("id", "Invalid", "The source's id is 1-63 lower-case letters, digits or '-', starting with a letter or digit."));
        }

        var settings = Validate(code, body.Id ?? "", body, environment.IsProduction(), creating: true, errors);
        if (settings is null)
        {
            return ApiProblems.Invalid(errors);
        }

        var (outcome, _) = await sources.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
        if (outcome != SourceChange.Done)
        {
            return Problem(outcome);
        }

        Log.Registered(logger, settings.Name, code);
        await ScheduleAsync(grains, settings.Name, logger).ConfigureAwait(false);
        var view = (await ViewsAsync(sources, code, settings.Name, cancellationToken).ConfigureAwait(false))[0];
        SetETag(http, view);
        return TypedResults.Created($"/api/v1/municipalities/{code}/school-sync/sources/{view.Id}", view);
    }

    private static async Task<Results<Ok<SourceView>, ProblemHttpResult>> PutAsync(
        string code, string id, SourceBody body, HttpContext http, SchoolSyncSources sources, IGrainFactory grains, IHostEnvironment environment,
        ILogger<SourceView> logger, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        if (!IfMatch(http, out var expected))
        {
            return BadIfMatch();
        }

        var errors = new List<FieldError>();
        if (body.Id is { } named && named != id)
        {
            errors.Add(new FieldError("id", "Mismatch", "The body's id is not the id of the path (a source cannot be renamed)."));
        }

        var settings = Validate(code, id, body, environment.IsProduction(), creating: false, errors);
        if (settings is null)
        {
            return ApiProblems.Invalid(errors);
        }

        var (outcome, _) = await sources.UpdateAsync(settings, expected, cancellationToken).ConfigureAwait(false);
        if (outcome != SourceChange.Done)
        {
            return Problem(outcome);
        }

        Log.Updated(logger, id, code);
        await ScheduleAsync(grains, id, logger).ConfigureAwait(false);
        var view = (await ViewsAsync(sources, code, id, cancellationToken).ConfigureAwait(false))[0];
        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string code, string id, HttpContext http, SchoolSyncSources sources, IGrainFactory grains, ILogger<SourceView> logger, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        if (!IfMatch(http, out var expected))
        {
            return BadIfMatch();
        }

        var outcome = await sources.DeleteAsync(code, id, expected, cancellationToken).ConfigureAwait(false);
        if (outcome != SourceChange.Done)
        {
            return Problem(outcome);
        }

        Log.Removed(logger, id, code);
        try
        {
            await grains.GetGrain<ISchoolSyncGrain>(id).UnscheduleAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The runner finds the source gone at its next tick and removes its reminder itself.
            Log.NotScheduled(logger, id, exception.GetType().Name);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<SyncRequested>, ProblemHttpResult>> SyncAsync(
        string code, string id, HttpContext http, SchoolSyncSources sources, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (Refuse(http, code) is { } refused)
        {
            return refused;
        }

        if ((await sources.ListAsync(code, id, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return ApiProblems.NotFound("source");
        }

        var started = await grains.GetGrain<ISchoolSyncGrain>(id).RequestSyncAsync().ConfigureAwait(false);
        return TypedResults.Accepted($"/api/v1/municipalities/{code}/school-sync/sources/{id}", new SyncRequested(id, started));
    }

    /// <summary>Another municipality's sources do not exist for the caller (404); managing one's own needs the role Operator (403).</summary>
    private static ProblemHttpResult? Refuse(HttpContext http, string code)
    {
        var caller = http.GetCaller();
        if (!string.Equals(caller.Municipality.Value, code, StringComparison.Ordinal))
        {
            return ApiProblems.NotFound("municipality");
        }

        return http.User.HasRole(SamverkanClaims.OperatorRole)
            ? null
            : TypedResults.Problem(
                title: "Not allowed",
                detail: "SS 12000 sources are managed by the municipality's IT operators (role Operator).",
                statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>The settings of a valid body, or null with <paramref name="errors"/> filled.</summary>
    internal static SourceSettings? Validate(string municipality, string id, SourceBody body, bool production, bool creating, List<FieldError> errors)
    {
        if (!SchoolSyncMapping.IsId(body.Organisation))
        {
            errors.Add(new FieldError("organisation", "Invalid", "The school organiser's organisation id in Samverkan is required."));
        }

        var baseUrl = Url(body.BaseUrl, production);
        if (baseUrl is null)
        {
            errors.Add(new FieldError("baseUrl", "Invalid", "An absolute https URL of the SS 12000 API (http only to a loopback address outside production)."));
        }

        Uri? tokenUrl = null;
        if (body.OAuth is { } oauth)
        {
            tokenUrl = Url(oauth.TokenUrl, production);
            if (tokenUrl is null)
            {
                errors.Add(new FieldError("oauth.tokenUrl", "Invalid", "An absolute https URL of the token endpoint (http only to a loopback address outside production)."));
            }

            if (oauth.ClientId is not { Length: > 0 and <= 200 })
            {
                errors.Add(new FieldError("oauth.clientId", "Invalid", "The client id is 1-200 characters."));
            }

            if (oauth.ClientSecret is { } secret && secret.Length is 0 or > 1000)
            {
                errors.Add(new FieldError("oauth.clientSecret", "Invalid", "The client secret is 1-1000 characters."));
            }
            else if (oauth.ClientSecret is null && creating)
            {
                errors.Add(new FieldError("oauth.clientSecret", "Required", "A new source's OAuth client needs its secret."));
            }

            if (oauth.Scope is { Length: > 500 })
            {
                errors.Add(new FieldError("oauth.scope", "Invalid", "The scope is at most 500 characters."));
            }
        }

        SourceCertificate? certificate = null;
        if (body.ClientCertificate is { } given)
        {
            var pem = given.CertificatePem is not null || given.PrivateKeyPem is not null;
            if (given.Pfx is not null && pem)
            {
                errors.Add(new FieldError("clientCertificate", "Invalid", "Either pfx or certificatePem with privateKeyPem, not both."));
            }
            else if (given.Pfx is not null || pem)
            {
                byte[]? pfx = null;
                if (given.Pfx is not null && (given.Pfx.Length > MaxCertificateBytes * 4 / 3 + 4 || !TryBase64(given.Pfx, out pfx)))
                {
                    errors.Add(new FieldError("clientCertificate.pfx", "Invalid", $"pfx is a base64 PKCS #12 file of at most {MaxCertificateBytes} bytes."));
                }
                else if (pem && (given.CertificatePem is not { Length: > 0 } || given.PrivateKeyPem is not { Length: > 0 }
                    || given.CertificatePem.Length + given.PrivateKeyPem.Length > MaxCertificateBytes * 2))
                {
                    errors.Add(new FieldError("clientCertificate", "Invalid", "certificatePem and privateKeyPem are both required (PEM text)."));
                }
                else
                {
                    certificate = SchoolSyncSources.ReadCertificate(pfx, given.CertificatePem, given.PrivateKeyPem, given.Password);
                    if (certificate is null)
                    {
                        errors.Add(new FieldError("clientCertificate", "Unreadable", "The certificate does not load with this password, or has no private key."));
                    }
                }
            }
            else if (creating)
            {
                errors.Add(new FieldError("clientCertificate", "Required", "A new source's client certificate needs pfx or certificatePem with privateKeyPem."));
            }

            if (baseUrl is not null && baseUrl.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add(new FieldError("baseUrl", "Invalid", "A client certificate is sent over https only."));
            }
        }

        if (body.OAuth is null && body.ClientCertificate is null)
        {
            errors.Add(new FieldError("oauth", "Required", "The source needs OAuth client credentials (oauth), a client certificate (clientCertificate), or both."));
        }

        var units = body.SchoolUnits ?? [];
        if (units.Count is 0 or > MaxSchoolUnits || !units.All(SchoolSyncMapping.IsId) || units.Distinct(StringComparer.Ordinal).Count() != units.Count)
        {
            errors.Add(new FieldError("schoolUnits", "Invalid", $"1-{MaxSchoolUnits} distinct SS 12000 ids of the school units the source covers."));
        }

        var poll = body.PollInterval ?? DefaultPollInterval;
        if (poll < MinPollInterval || poll > MaxPollInterval || poll.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add(new FieldError("pollInterval", "Invalid", "The poll interval is whole seconds, from 00:01:00 to 1.00:00:00."));
        }

        return errors.Count > 0
            ? null
            : new SourceSettings(
                id, municipality, body.Organisation!, baseUrl!, tokenUrl, body.OAuth?.ClientId, body.OAuth?.Scope is { Length: > 0 } scope ? scope : null,
                body.OAuth?.ClientSecret, body.ClientCertificate is not null, certificate, units, poll);
    }

    private static Uri? Url(string? text, bool production) =>
        Webhooks.WebhookApi.IsAcceptableUrl(text, production) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Query.Length == 0 ? uri : null;

    private static bool TryBase64(string text, out byte[]? bytes)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, buffer, out var length) && length > 0 && length <= MaxCertificateBytes)
        {
            bytes = buffer[..length];
            return true;
        }

        bytes = null;
        return false;
    }

    private static ProblemHttpResult Problem(SourceChange outcome) => outcome switch
    {
        SourceChange.NotFound => ApiProblems.NotFound("source"),
        SourceChange.VersionConflict => Conflict("VersionConflict", "The source was changed since the version in If-Match: read it again (GET) and repeat the change with its ETag."),
        SourceChange.NameTaken => Conflict("SourceExists", "A source with this id exists (ids are unique in the deployment): choose another id."),
        SourceChange.ReadOnly => Conflict("ReadOnly", "The source is defined in configuration (Samverkan:SchoolSync:Sources): change it there."),
        SourceChange.MissingSecret => ApiProblems.Invalid([new FieldError("oauth.clientSecret", "Required", "No secret is stored for this client: send the client secret or certificate.")]),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    private static ProblemHttpResult Conflict(string code, string detail) =>
        TypedResults.Problem(title: "Conflict", detail: detail, statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["code"] = code });

    private static ProblemHttpResult BadIfMatch() =>
        TypedResults.Problem(title: "The request is not valid", detail: "If-Match is one ETag of the source, as GET answered it, or *.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>The version an <c>If-Match</c> names (none: unconditional); false when it is not one ETag of ours.</summary>
    private static bool IfMatch(HttpContext http, out int? version)
    {
        version = null;
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return true;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        if (header.Length > 2 && header[0] == '"' && header[^1] == '"'
            && int.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }

    private static void SetETag(HttpContext http, SourceView view) =>
        http.Response.Headers.ETag = "\"" + view.Version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static async Task ScheduleAsync(IGrainFactory grains, string id, ILogger logger)
    {
        try
        {
            await grains.GetGrain<ISchoolSyncGrain>(id).ScheduleAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Stored all the same: every node's scheduler looks for unscheduled sources (RescanInterval).
            Log.NotScheduled(logger, id, exception.GetType().Name);
        }
    }

    internal static async Task<List<SourceView>> ViewsAsync(SchoolSyncSources sources, string municipality, string? id, CancellationToken cancellationToken)
    {
        var records = await sources.ListAsync(municipality, id, cancellationToken).ConfigureAwait(false);
        var states = await sources.StatesAsync(records.Select(r => r.Name), cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        return
        [
            .. records.Select(r =>
            {
                var s = states.GetValueOrDefault(r.Name);
                var state = new SourceStateView(
                    s?.LastStarted is { } started && (s.LastFinished is null || s.LastFinished < started),
                    s?.LastStarted, s?.LastFinished, s?.LastSuccess,
                    s?.LastSuccess is { } success ? Math.Round(Math.Max(0, (now - success).TotalSeconds), 1) : null,
                    s?.LastError, s?.LastErrorAt, s?.BackoffUntil is { } until && until > now ? until : null,
                    s?.Items ?? new Dictionary<string, int>());
                return new SourceView(
                    r.Name, r.Municipality, r.Organisation, r.BaseUrl.ToString(), r.SchoolUnits, r.PollInterval, r.Origin,
                    r.Origin == SchoolSyncSource.ConfigurationOrigin, r.Version,
                    r.TokenUrl is null ? null : new SourceOAuthView(r.TokenUrl.ToString(), r.ClientId, r.Scope, r.HasClientSecret),
                    r.HasCertificate ? new SourceCertificateView(true, r.CertificateThumbprint, r.CertificateSubject, r.CertificateNotAfter) : null,
                    r.CreatedAt, r.UpdatedAt, state);
            }),
        ];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 7140, Level = LogLevel.Information, Message = "SS 12000 source {Source} of municipality {Municipality} registered.")]
        public static partial void Registered(ILogger logger, string source, string municipality);

        [LoggerMessage(EventId = 7141, Level = LogLevel.Information, Message = "SS 12000 source {Source} of municipality {Municipality} updated.")]
        public static partial void Updated(ILogger logger, string source, string municipality);

        [LoggerMessage(EventId = 7142, Level = LogLevel.Information, Message = "SS 12000 source {Source} of municipality {Municipality} removed.")]
        public static partial void Removed(ILogger logger, string source, string municipality);

        [LoggerMessage(EventId = 7143, Level = LogLevel.Warning, Message = "SS 12000 source {Source}: its runner was not (un)scheduled now ({Fault}); the scheduler's rescan does it.")]
        public static partial void NotScheduled(ILogger logger, string source, string fault);
    }
}
