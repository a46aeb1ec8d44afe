using System.Globalization;

namespace Samverkan.Domain.Statistics;

/// <summary>
/// A statistic as a reader may see it: the value, or hidden (<see cref="Hidden"/>). A hidden count is shown as
/// <see cref="SmallCounts.HiddenText"/> ("&lt; 5"); <see cref="Value"/> is then null, so the number itself never leaves
/// the component.
/// </summary>
public readonly record struct ProtectedValue(double? Value)
{
    public static ProtectedValue Suppressed => new(null);

    public bool Hidden => Value is null;

    /// <summary>The value for a table or CSV: the number (invariant culture), or "&lt; 5".</summary>
    public string Text => Value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : SmallCounts.HiddenText;

    /// <summary>
    /// The value of a statistic that is not a count (a median in hours), or <see cref="SmallCounts.HiddenStatisticText"/>
    /// ("–") when hidden: "&lt; 5" there would read as "under five hours".
    /// </summary>
    public string StatisticText => Value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : SmallCounts.HiddenStatisticText;

    public override string ToString() => Text;
}

/// <summary>
/// Small-count protection for every statistic a coordinator or an export sees (issue 16).
/// <list type="bullet">
/// <item><b>Primary</b>: a count of 1–4 is hidden ("&lt; 5"). 0 and 5 or more are shown.</item>
/// <item><b>Secondary</b> (one rule, everywhere): a total (row or column), a share or a difference is hidden whenever
/// any of the counts it is made of is hidden. Otherwise total − shown parts would give the hidden part back
/// (a total of 12 with 9 and 3: showing 9 and 12 reveals 3), or the sum of two hidden parts would narrow them
/// down (two hidden parts summing to 2 are both 1). The parts are never hidden to save the total.</item>
/// <item>A statistic over individuals (a median time) is hidden when it is computed from fewer than
/// <see cref="Threshold"/> of them.</item>
/// </list>
/// Pure: no I/O, no clock.
/// </summary>
public static class SmallCounts
{
    /// <summary>Counts below this (and above 0) are hidden.</summary>
    public const int Threshold = 5;

    public const string HiddenText = "< 5";

    /// <summary>How a hidden statistic that is not a count (a median over fewer than five) is shown.</summary>
    public const string HiddenStatisticText = "–";

    /// <summary>True when a count must be hidden on its own: 1–4.</summary>
    public static bool IsSmall(long count) => count is > 0 and < Threshold;

    /// <summary>A count alone (primary suppression only).</summary>
    public static ProtectedValue Count(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return IsSmall(count) ? ProtectedValue.Suppressed : new ProtectedValue(count);
    }

    /// <summary>
    /// Parts and their total (total = sum of parts, or parts that together make the total): each part on its own, and
    /// the total hidden when it is small or when any part is hidden.
    /// </summary>
    public static (ProtectedValue[] Parts, ProtectedValue Total) Table(IReadOnlyList<long> parts, long total)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var shown = parts.Select(Count).ToArray();
        var protectedTotal = shown.Any(p => p.Hidden) ? ProtectedValue.Suppressed : Count(total);
        return (shown, protectedTotal);
    }

    /// <summary>A total of parts (the sum), hidden when small or when any part is hidden.</summary>
    public static ProtectedValue Total(IReadOnlyList<long> parts) => Table(parts, parts.Sum()).Total;

    /// <summary>A share <paramref name="part"/>/<paramref name="whole"/> (0–1), hidden when either count is hidden, or the whole is 0.</summary>
    public static ProtectedValue Share(long part, long whole) =>
        whole == 0 || Count(part).Hidden || Count(whole).Hidden ? ProtectedValue.Suppressed : new ProtectedValue((double)part / whole);

    /// <summary>A difference <paramref name="a"/> − <paramref name="b"/>, hidden when either count is hidden.</summary>
    public static ProtectedValue Difference(long a, long b) =>
        Count(a).Hidden || Count(b).Hidden ? ProtectedValue.Suppressed : new ProtectedValue(a - b);

    /// <summary>A statistic computed over <paramref name="individuals"/> people or cases (a median): hidden below the threshold.</summary>
    public static ProtectedValue Over(double? value, long individuals) =>
        value is null || individuals < Threshold ? ProtectedValue.Suppressed : new ProtectedValue(value);
}
