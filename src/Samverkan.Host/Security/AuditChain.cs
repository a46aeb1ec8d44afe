using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Samverkan.Host.Security;

/// <summary>
/// The hash chain of the audit log. Each row's hash is SHA-256 over the previous row's hash followed by the row's
/// canonical content: a version byte, then every column in a fixed order, integers as 8 bytes big-endian (times as
/// microseconds since the Unix epoch, PostgreSQL's precision), texts as a 4-byte big-endian length and UTF-8 bytes
/// (length -1 for null). The first row's previous hash is 32 zero bytes.
/// </summary>
internal static class AuditChain
{
    public const int HashLength = 32;

    private const byte Version = 1;

    public static byte[] Genesis { get; } = new byte[HashLength];

    /// <summary>A row as stored (and hashed).</summary>
    public sealed record Row(
        long Sequence, DateTimeOffset At, string Staff, string Organisation, string Municipality, string? Child,
        string Action, string Purpose, string Resource, string? RequestId, string? TraceId);

    /// <summary><paramref name="at"/> cut to whole microseconds, as PostgreSQL stores it.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % 10), TimeSpan.Zero);
    }

    public static byte[] Hash(ReadOnlySpan<byte> previous, Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous);
        Span<byte> eight = stackalloc byte[8];
        Span<byte> four = stackalloc byte[4];
        hash.AppendData([Version]);
        BinaryPrimitives.WriteInt64BigEndian(eight, row.Sequence);
        hash.AppendData(eight);
        BinaryPrimitives.WriteInt64BigEndian(eight, (ToStoredPrecision(row.At).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);
        hash.AppendData(eight);
        foreach (var text in (ReadOnlySpan<string?>)[row.Staff, row.Organisation, row.Municipality, row.Child, row.Action, row.Purpose,
            row.Resource, row.RequestId, row.TraceId])
        {
            if (text is null)
            {
                BinaryPrimitives.WriteInt32BigEndian(four, -1);
                hash.AppendData(four);
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            BinaryPrimitives.WriteInt32BigEndian(four, bytes.Length);
            hash.AppendData(four);
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }

    public static string ActionName(AuditAction action) => action.ToString().ToLowerInvariant();
}
