using System.Collections.Immutable;
using Npgsql;
using Samverkan.Domain.Identity;

namespace Samverkan.Host.Security;

/// <summary>The result of verifying the audit chain.</summary>
/// <param name="IsValid">Every row's hash and link is right, sequence numbers have no gap, and the head matches the last row.</param>
/// <param name="Entries">How many rows were checked.</param>
/// <param name="HeadSequence">The chain head's sequence number.</param>
/// <param name="HeadHash">The chain head's hash (hex): record it outside the database to anchor the chain.</param>
/// <param name="FirstInvalidSequence">The first row found wrong (or the head's sequence), when not valid.</param>
/// <param name="Problem">What is wrong, when not valid.</param>
public sealed record AuditChainVerification(
    bool IsValid, long Entries, long HeadSequence, string HeadHash, long? FirstInvalidSequence, string? Problem);

/// <summary>One access to a child, as a reviewer sees it.</summary>
public sealed record AuditRecord(
    long Sequence, DateTimeOffset At, string Staff, string Organisation, string Municipality, string? Child, string Action,
    string Purpose, string Resource, string? RequestId, string? TraceId);

/// <summary>Reads the audit log: who accessed a child, and whether the chain is intact. Recomputes every hash in .NET,
/// so a changed database function cannot hide tampering.</summary>
public sealed class AuditReview
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<AuditReview> _logger;

    internal AuditReview(NpgsqlDataSource dataSource, ILogger<AuditReview> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    /// <summary>Walks the whole chain in sequence order.</summary>
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for the head and the rows, so concurrent appends do not look like a mismatch.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken)
            .ConfigureAwait(false);
        long headSequence;
        byte[] headHash;
        await using (var head = new NpgsqlCommand("select seq, hash from audit_chain_head where id", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return Fail(0, 0, 0, [], "The chain head is missing.");
            }

            headSequence = reader.GetInt64(0);
            headHash = reader.GetFieldValue<byte[]>(1);
        }

        var expectedPrevious = AuditChain.Genesis;
        long expectedSequence = 1;
        long checkedRows = 0;
        await using (var rows = new NpgsqlCommand(
            """
            select seq, at, staff_id, organisation, municipality, child_key, action, purpose, resource, request_id, trace_id, prev_hash, hash
              from audit_log order by seq
            """, connection, transaction))
        await using (var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = ReadRow(reader);
                var previous = reader.GetFieldValue<byte[]>(11);
                var stored = reader.GetFieldValue<byte[]>(12);
                checkedRows++;
                if (row.Sequence != expectedSequence)
                {
                    return Fail(checkedRows, headSequence, expectedSequence, headHash,
                        row.Sequence > expectedSequence ? "Entries are missing before this one (a gap in the sequence)." : "A sequence number repeats.");
                }

                if (!previous.AsSpan().SequenceEqual(expectedPrevious))
                {
                    return Fail(checkedRows, headSequence, row.Sequence, headHash, "The entry does not link to the entry before it.");
                }

                var computed = AuditChain.Hash(previous, row);
                if (!computed.AsSpan().SequenceEqual(stored))
                {
                    return Fail(checkedRows, headSequence, row.Sequence, headHash, "The entry's content does not match its hash.");
                }

                expectedPrevious = stored;
                expectedSequence++;
            }
        }

        if (headSequence != expectedSequence - 1 || !headHash.AsSpan().SequenceEqual(expectedPrevious))
        {
            return Fail(checkedRows, headSequence, expectedSequence, headHash, "The chain head does not match the last entry (entries removed at the end).");
        }

        SecurityLog.AuditChainVerified(_logger, checkedRows, headSequence);
        return new AuditChainVerification(true, checkedRows, headSequence, Convert.ToHexStringLower(headHash), null, null);
    }

    /// <summary>
    /// Who accessed <paramref name="child"/>, oldest first, after <paramref name="afterSequence"/>: entries recorded in
    /// <paramref name="municipality"/>, or all of them when the child belongs to that municipality.
    /// </summary>
    public async Task<ImmutableArray<AuditRecord>> ListChildAccessAsync(
        PseudonymousKey child, string municipality, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(municipality);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var childTable = await ExistsAsync(connection, "coord_children", cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            select seq, at, staff_id, organisation, municipality, child_key, action, purpose, resource, request_id, trace_id
              from audit_log
             where child_key = $1 and seq > $3
               and (municipality = $2 {(childTable ? "or exists (select 1 from coord_children c where c.child_key = $1 and c.municipality = $2)" : "")})
             order by seq
             limit $4
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = child.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = municipality });
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var result = ImmutableArray.CreateBuilder<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = ReadRow(reader);
            result.Add(new AuditRecord(row.Sequence, row.At, row.Staff, row.Organisation, row.Municipality, row.Child, row.Action,
                row.Purpose, row.Resource, row.RequestId, row.TraceId));
        }

        return result.ToImmutable();
    }

    internal static async Task<bool> ExistsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select to_regclass($1) is not null", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    private static AuditChain.Row ReadRow(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10));

    private AuditChainVerification Fail(long checkedRows, long headSequence, long sequence, byte[] headHash, string problem)
    {
        SecurityLog.AuditChainBroken(_logger, sequence, problem);
        return new AuditChainVerification(false, checkedRows, headSequence, Convert.ToHexStringLower(headHash), sequence, problem);
    }
}
