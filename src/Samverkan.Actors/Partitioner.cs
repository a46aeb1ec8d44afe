using System.Text;

namespace Samverkan.Actors;

/// <summary>
/// Maps an actor to its partition: a stable hash (FNV-1a, 32 bit) of type and key modulo the partition count.
/// Stable across processes, versions and machines: it is part of the on-disk contract.
/// </summary>
public static class Partitioner
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static int PartitionOf(ActorId id, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        var hash = OffsetBasis;
        hash = Mix(hash, id.Type);
        hash = (hash ^ '/') * Prime;
        hash = Mix(hash, id.Key);
        return (int)(hash % (uint)partitionCount);
    }

    private static uint Mix(uint hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = maxBytes <= buffer.Length ? buffer : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        foreach (var b in bytes[..length])
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
