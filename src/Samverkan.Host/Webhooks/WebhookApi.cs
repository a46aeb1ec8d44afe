using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Domain.Common;
using Samverkan.Host.Api;
using Samverkan.Host.Security;

namespace Samverkan.Host.Webhooks;

/// <summary>A webhook as the API shows it: never its secret.</summary>
public sealed record WebhookView(string Id, string Organisation, string Url, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT …/webhooks/{id}</c>. <see cref="Secret"/> is required when the webhook is created; omitted on an update, the old one stays.</summary>
public sealed record WebhookRegistration(string? Url, string? Secret, bool? Enabled);

public sealed record WebhookDeliveryView(
    Guid DeliveryId,
    long AlertId,
    string Status,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt);

/// <summary>
/// Webhooks per organisation, managed by its administrators and coordinators: <c>PUT</c> (create or update),
/// <c>GET</c> (list), <c>DELETE</c>, and the deliveries of one (e.g. <c>?status=failed</c>). Another organisation's
/// webhooks are 404. Secrets are stored protected (data protection, keys shared by the nodes), never returned or logged.
/// </summary>
public static class WebhookApi
{
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 512;
    public const int MaxUrlLength = 2000;
    public const int MaxDeliveries = 200;

    internal const string SecretPurpose = "Samverkan.Webhooks.Secret.v1";

    public static RouteGroupBuilder MapWebhookApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/api/v1/organisations/{organisation}/webhooks").WithTags("Webhooks").RequireAuthorization(SamverkanPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The organisation's webhooks (never their secrets).");
        group.MapPut("/{id}", PutAsync).WithName("PutWebhook").WithSummary("Registers or updates a webhook: HTTPS URL and signing secret.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook");
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("The webhook's deliveries, newest first; ?status=pending|delivered|failed.");
        return group;
    }

    private static async Task<Results<Ok<List<WebhookView>>, ProblemHttpResult>> ListAsync(
        string organisation, HttpContext http, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (Refuse(http, organisation) is { } refused)
        {
            return refused;
        }

        return TypedResults.Ok(await QueryAsync(database, organisation, null, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> PutAsync(
        string organisation,
        string id,
        WebhookRegistration registration,
        HttpContext http,
        NpgsqlDataSource database,
        IDataProtectionProvider protection,
        IHostEnvironment environment,
        ServiceClock time,
        CancellationToken cancellationToken)
    {
        if (Refuse(http, organisation) is { } refused)
        {
            return refused;
        }

        var errors = new List<FieldError>();
        if (!IsWebhookId(id))
        {
            errors.Add(new FieldError("id", "Invalid", "The webhook id is 1-64 letters, digits, '-', '_' or '.'."));
        }

        if (!IsAcceptableUrl(registration.Url, environment.IsProduction()))
        {
            errors.Add(new FieldError("url", "Invalid", $"An absolute https URL (at most {MaxUrlLength} characters, no user info); http only to a loopback address outside production."));
        }

        if (registration.Secret is { } secret && (secret.Length < MinSecretLength || secret.Length > MaxSecretLength))
        {
            errors.Add(new FieldError("secret", "Invalid", $"The secret is {MinSecretLength}-{MaxSecretLength} characters."));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var protectedSecret = registration.Secret is null ? null : protection.CreateProtector(SecretPurpose).Protect(registration.Secret);
        var now = time.GetUtcNow();
        await using var command = database.CreateCommand(
            protectedSecret is null
                ? "update coord_webhooks set url = $3, enabled = $4, updated_at = $5 where organisation = $1 and webhook_id = $2"
                : """
                  insert into coord_webhooks (organisation, webhook_id, url, secret, enabled, created_at, updated_at)
                  values ($1, $2, $3, $6, $4, $5, $5)
                  on conflict (organisation, webhook_id) do update set url = excluded.url, secret = excluded.secret,
                      enabled = excluded.enabled, updated_at = excluded.updated_at
                  """);
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = registration.Url! });
        command.Parameters.Add(new NpgsqlParameter { Value = registration.Enabled ?? true });
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime() });
        if (protectedSecret is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = protectedSecret });
        }

        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return ApiProblems.Invalid([new FieldError("secret", "Required", "A new webhook needs its signing secret.")]);
        }

        WebhookLog.Registered(http.RequestServices.GetRequiredService<ILogger<WebhookView>>(), organisation, id);
        return TypedResults.Ok((await QueryAsync(database, organisation, id, cancellationToken).ConfigureAwait(false))[0]);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string organisation, string id, HttpContext http, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        if (Refuse(http, organisation) is { } refused)
        {
            return refused;
        }

        await using var command = database.CreateCommand("delete from coord_webhooks where organisation = $1 and webhook_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0 ? ApiProblems.NotFound("webhook") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<WebhookDeliveryView>>, ProblemHttpResult>> DeliveriesAsync(
        string organisation, string id, HttpContext http, NpgsqlDataSource database, CancellationToken cancellationToken, string? status = null)
    {
        if (Refuse(http, organisation) is { } refused)
        {
            return refused;
        }

        if (status is not (null or "pending" or "delivered" or "failed"))
        {
            return ApiProblems.Invalid([new FieldError("status", "Invalid", "status is pending, delivered or failed.")]);
        }

        if ((await QueryAsync(database, organisation, id, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            return ApiProblems.NotFound("webhook");
        }

        await using var command = database.CreateCommand(
            """
            select delivery_id, alert_id, status, attempts, last_status, last_error, created_at, next_attempt_at, delivered_at
              from coord_webhook_deliveries
             where organisation = $1 and webhook_id = $2 and ($3::text is null or status = $3)
             order by id desc
             limit $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = MaxDeliveries });
        var items = new List<WebhookDeliveryView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new WebhookDeliveryView(
                reader.GetGuid(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return TypedResults.Ok(items);
    }

    /// <summary>Another organisation's webhooks do not exist for the caller (404); managing one's own needs the role Administrator or Coordinator (403).</summary>
    private static ProblemHttpResult? Refuse(HttpContext http, string organisation)
    {
        var caller = http.GetCaller();
        if (!string.Equals(caller.Organisation.Value, organisation, StringComparison.Ordinal))
        {
            return ApiProblems.NotFound("organisation");
        }

        return caller.IsCoordinator || http.User.HasRole(SamverkanClaims.AdministratorRole)
            ? null
            : TypedResults.Problem(
                title: "Not allowed",
                detail: "Webhooks are managed by the organisation's administrators and coordinators.",
                statusCode: StatusCodes.Status403Forbidden);
    }

    internal static bool IsWebhookId(string id) =>
        id.Length is > 0 and <= 64 && id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    internal static bool IsAcceptableUrl(string? url, bool production)
    {
        if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback && !production);
    }

    private static async Task<List<WebhookView>> QueryAsync(NpgsqlDataSource database, string organisation, string? id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            select webhook_id, organisation, url, enabled, created_at, updated_at
              from coord_webhooks
             where organisation = $1 and ($2::text is null or webhook_id = $2)
             order by webhook_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = organisation });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var items = new List<WebhookView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(new WebhookView(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return items;
    }
}
