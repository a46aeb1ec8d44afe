using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Domain.Identity;

namespace Samverkan.Host.Security;

/// <summary>
/// The audit API for reviewers (role <c>AuditReviewer</c>): who accessed a child (<c>GET /api/v1/audit/children/{childKey}</c>),
/// chain verification (<c>GET /api/v1/audit/verify</c>) and anomalies (<c>GET /api/v1/audit/anomalies</c>), each
/// within the reviewer's municipality. Reviews are themselves audited.
/// </summary>
internal static class AuditEndpoints
{
    private const int MaxPage = 500;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/audit")
            .RequireAuthorization(SamverkanPolicies.AuditReviewer)
            .WithTags("Audit")
            .WithAuditPurpose("audit review");
        group.MapGet("/children/{childKey}", ListChildAccessAsync).WithName("ListChildAccess");
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain");
        group.MapGet("/anomalies", ListAnomaliesAsync).WithName("ListAuditAnomalies");
    }

    private static async Task<Results<Ok<ChildAccessPage>, NotFound>> ListChildAccessAsync(
        HttpContext context, string childKey, AuditReview review, IAuditLog audit, long? after, int? limit)
    {
        if (!PseudonymousKey.IsWellFormed(childKey))
        {
            return TypedResults.NotFound();
        }

        var child = new PseudonymousKey(childKey);
        var caller = context.GetCaller();
        await audit.RecordAsync(context, AuditAction.Review, child).ConfigureAwait(false);
        var items = await review.ListChildAccessAsync(
            child, caller.Municipality.Value, after ?? 0, Math.Clamp(limit ?? 100, 1, MaxPage), context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(new ChildAccessPage(items, items.IsEmpty ? null : items[^1].Sequence));
    }

    private static async Task<Ok<AuditChainVerification>> VerifyAsync(HttpContext context, AuditReview review, IAuditLog audit)
    {
        await audit.RecordAsync(context, AuditAction.Review, child: null).ConfigureAwait(false);
        return TypedResults.Ok(await review.VerifyAsync(context.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<Ok<ImmutableArray<AuditAnomaly>>> ListAnomaliesAsync(
        HttpContext context, NpgsqlDataSource dataSource, IAuditLog audit, DateTimeOffset? since)
    {
        var caller = context.GetCaller();
        await audit.RecordAsync(context, AuditAction.Review, child: null).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            """
            select id, detected_at, staff_id, organisation, distinct_children, window_seconds, threshold
              from audit_anomalies where municipality = $1 and detected_at >= $2 order by id desc limit 500
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = caller.Municipality.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = since ?? DateTimeOffset.UnixEpoch });
        var result = ImmutableArray.CreateBuilder<AuditAnomaly>();
        await using var reader = await command.ExecuteReaderAsync(context.RequestAborted).ConfigureAwait(false);
        while (await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false))
        {
            result.Add(new AuditAnomaly(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6)));
        }

        return TypedResults.Ok(result.ToImmutable());
    }
}

/// <summary>A page of accesses to one child; pass <see cref="Next"/> as <c>after</c> for the next page.</summary>
public sealed record ChildAccessPage(ImmutableArray<AuditRecord> Items, long? Next);

/// <summary>A user who opened unusually many distinct children's records within the window.</summary>
public sealed record AuditAnomaly(
    long Id, DateTimeOffset DetectedAt, string Staff, string Organisation, int DistinctChildren, int WindowSeconds, int Threshold);
