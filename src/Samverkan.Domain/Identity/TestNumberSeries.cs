using System.Collections.Frozen;

namespace Samverkan.Domain.Identity;

/// <summary>
/// Skatteverket's published series of test identity numbers (numbers that will never be assigned to a
/// person). The series is a published list, not a formula, so the host loads it (e.g. from Skatteverket's
/// open data set "Testpersonnummer") and passes it in; the domain only asks membership.
/// Entries are normalized to 12 digits (YYYYMMDDNNNC).
/// </summary>
public sealed class TestNumberSeries
{
    private readonly FrozenSet<string> _numbers;

    private TestNumberSeries(FrozenSet<string> numbers) => _numbers = numbers;

    /// <summary>An empty series: nothing is a test number.</summary>
    public static TestNumberSeries None { get; } = new(FrozenSet<string>.Empty);

    /// <summary>How many numbers the series holds.</summary>
    public int Count => _numbers.Count;

    /// <summary>
    /// Builds the series from 12-digit numbers (an optional <c>-</c> before the last four is accepted).
    /// Throws when an entry is not 12 digits, so a truncated list is noticed at start-up.
    /// </summary>
    public static TestNumberSeries FromTwelveDigitNumbers(IEnumerable<string> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in numbers)
        {
            var digits = raw?.Trim().Replace("-", string.Empty, StringComparison.Ordinal) ?? string.Empty;
            if (digits.Length != 12 || !digits.All(char.IsAsciiDigit))
            {
                throw new ArgumentException("Every test number must have 12 digits (YYYYMMDDNNNC).", nameof(numbers));
            }

            set.Add(digits);
        }

        return new TestNumberSeries(set.ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>True when the normalized 12-digit number is in the series.</summary>
    public bool Contains(string twelveDigits) => _numbers.Contains(twelveDigits);
}
