namespace Samverkan.Domain.Common;

/// <summary>Validation shared by the string identifiers.</summary>
public static class StringIds
{
    /// <summary>Longest identifier accepted (source systems use UUIDs and short codes).</summary>
    public const int MaxLength = 200;

    /// <summary>Returns <paramref name="value"/> when it is a usable identifier; throws otherwise.</summary>
    public static string Require(string value, string typeName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, typeName);
        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"{typeName} is longer than {MaxLength} characters.", typeName);
        }

        if (value.Trim().Length != value.Length)
        {
            throw new ArgumentException($"{typeName} has leading or trailing whitespace.", typeName);
        }

        return value;
    }

    /// <summary>True when <paramref name="value"/> would be accepted by <see cref="Require"/>.</summary>
    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= MaxLength && value.Trim().Length == value.Length;
}
