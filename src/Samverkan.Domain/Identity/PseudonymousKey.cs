using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Samverkan.Domain.Common;

namespace Samverkan.Domain.Identity;

/// <summary>
/// The only identity of a child that is ever stored: <c>c_</c> followed by lowercase base32 of a keyed hash
/// (HMAC-SHA256, truncated to 160 bits) of the normalized 12-digit identity number. Without the secret the
/// key cannot be linked back to the number. The format is checked on every construction: the base32
/// alphabet (a–z, 2–7) has no 0, 1, 8 or 9, and every identity number has a 0 or a 1 in its month, so a
/// personal number can never pass as a key by mistake.
/// </summary>
[JsonConverter(typeof(StringIdJsonConverter<PseudonymousKey>))]
public readonly record struct PseudonymousKey : IStringId<PseudonymousKey>
{
    /// <summary>The prefix of every child key.</summary>
    public const string Prefix = "c_";

    /// <summary>The smallest secret accepted, in bytes.</summary>
    public const int MinimumSecretLength = 32;

    private const int HashBytes = 20;
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public PseudonymousKey(string value)
    {
        if (!IsWellFormed(value))
        {
            throw new ArgumentException(
                $"A pseudonymous key is '{Prefix}' followed by 16 to 64 characters of lowercase base32 (a-z, 2-7).",
                nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public static PseudonymousKey FromString(string value) => new(value);

    /// <summary>Derives the key of a child from the identity number and the deployment's secret.</summary>
    public static PseudonymousKey Derive(PersonalIdentityNumber number, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"The secret must be at least {MinimumSecretLength} bytes.", nameof(secret));
        }

        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(number.RevealTwelveDigits()));
        return new PseudonymousKey(Prefix + Base32(mac.AsSpan(0, HashBytes)));
    }

    /// <summary>True when <paramref name="value"/> has the key format.</summary>
    public static bool IsWellFormed(string? value)
    {
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = value.AsSpan(Prefix.Length);
        if (body.Length is < 16 or > 64)
        {
            return false;
        }

        foreach (var c in body)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '2' and <= '7')))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Value ?? string.Empty;

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder((bytes.Length * 8 + 4) / 5);
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                builder.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            builder.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return builder.ToString();
    }
}
