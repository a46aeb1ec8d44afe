using System.Security.Cryptography;
using System.Text;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// A short, readable reference for a case on screen ("K7QM-4D2X"): eight characters of Crockford base 32 from a SHA-256
/// of the case id. The case id itself begins with the child's pseudonymous key, which a person should neither have to
/// read out nor see in a list; the reference tells nothing about the child and is the same for everyone, in both languages.
/// </summary>
public static class CaseReference
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Of(string caseId)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(caseId), hash);
        var bits = ((ulong)hash[0] << 32) | ((ulong)hash[1] << 24) | ((ulong)hash[2] << 16) | ((ulong)hash[3] << 8) | hash[4];
        var chars = new char[9];
        for (var i = 8; i >= 0; i--)
        {
            if (i == 4)
            {
                chars[i] = '-';
                continue;
            }

            chars[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new string(chars);
    }
}
