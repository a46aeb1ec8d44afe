using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Samverkan.Host.Webhooks;

/// <summary>
/// The signature of a webhook delivery: <c>Samverkan-Signature: sha256=&lt;hex&gt;</c>, the lower-case hex HMAC-SHA256,
/// keyed with the webhook's secret (UTF-8), of <c>{Samverkan-Timestamp}.{body}</c> (the timestamp in Unix seconds, a
/// dot, the exact body bytes).
/// </summary>
public static class WebhookSignature
{
    public const string DeliveryIdHeader = "Samverkan-Delivery-Id";
    public const string TimestampHeader = "Samverkan-Timestamp";
    public const string SignatureHeader = "Samverkan-Signature";
    public const string Prefix = "sha256=";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
