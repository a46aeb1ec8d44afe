using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Samverkan.Domain.Identity;

/// <summary>
/// A validated Swedish personnummer or samordningsnummer. It exists only transiently at ingest, to derive
/// the <see cref="PseudonymousKey"/>: it is never stored (serializing it throws) and never printed
/// (<see cref="ToString"/> is masked), so it cannot leak into state, logs or exceptions.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
[JsonConverter(typeof(NeverSerializedConverter))]
public sealed class PersonalIdentityNumber : IEquatable<PersonalIdentityNumber>
{
    private const string Masked = "********-****";
    private readonly string _twelveDigits;

    private PersonalIdentityNumber(string twelveDigits, DateOnly birthDate, PersonalIdentityNumberKind kind, bool isTestNumber)
    {
        _twelveDigits = twelveDigits;
        BirthDate = birthDate;
        Kind = kind;
        IsTestNumber = isTestNumber;
    }

    /// <summary>The date of birth (for a samordningsnummer: the day with 60 removed).</summary>
    public DateOnly BirthDate { get; }

    public PersonalIdentityNumberKind Kind { get; }

    /// <summary>True when the number is in Skatteverket's test series given at parse time.</summary>
    public bool IsTestNumber { get; }

    /// <summary>
    /// Parses and validates <paramref name="input"/> and applies the environment's policy.
    /// Accepted forms: <c>YYMMDD-NNNC</c>, <c>YYMMDD+NNNC</c> (100 years or older), <c>YYMMDDNNNC</c>,
    /// <c>YYYYMMDD-NNNC</c>, <c>YYYYMMDDNNNC</c>; surrounding whitespace is ignored. The century of a
    /// 10-digit number is the latest one that puts the birth date on or before <paramref name="today"/>,
    /// one century earlier with <c>+</c>.
    /// </summary>
    public static IdentityNumberParseResult Parse(string? input, DateOnly today, IdentityNumberPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var result = ParseFormat(input, today, policy.TestNumbers);
        if (result.Number is null)
        {
            return result;
        }

        var verdict = policy.Check(result.Number);
        return verdict == IdentityNumberError.None ? result : new IdentityNumberParseResult(null, verdict);
    }

    /// <summary>Like <see cref="Parse"/>, in the Try pattern.</summary>
    public static bool TryParse(
        string? input,
        DateOnly today,
        IdentityNumberPolicy policy,
        [NotNullWhen(true)] out PersonalIdentityNumber? number,
        out IdentityNumberError error)
    {
        var result = Parse(input, today, policy);
        number = result.Number;
        error = result.Error;
        return number is not null;
    }

    /// <summary>Format, date and check digit only; no environment policy.</summary>
    public static IdentityNumberParseResult ParseFormat(string? input, DateOnly today, TestNumberSeries testNumbers)
    {
        ArgumentNullException.ThrowIfNull(testNumbers);
        if (string.IsNullOrWhiteSpace(input))
        {
            return Fail(IdentityNumberError.Missing);
        }

        var text = input.Trim();
        var separator = '\0';
        if (text.Length is 11 or 13 && text[^5] is '-' or '+')
        {
            separator = text[^5];
            text = string.Concat(text.AsSpan(0, text.Length - 5), text.AsSpan(text.Length - 4));
        }

        if (text.Length is not (10 or 12) || !text.All(char.IsAsciiDigit))
        {
            return Fail(IdentityNumberError.InvalidFormat);
        }

        if (text.Length == 12 && separator == '+')
        {
            // The century is explicit; '+' belongs to the 10-digit form only.
            return Fail(IdentityNumberError.InvalidFormat);
        }

        var tenDigits = text.Length == 12 ? text[2..] : text;
        var month = Two(tenDigits, 2);
        var dayField = Two(tenDigits, 4);
        var kind = dayField > 60 ? PersonalIdentityNumberKind.Samordningsnummer : PersonalIdentityNumberKind.Personnummer;
        var day = kind == PersonalIdentityNumberKind.Samordningsnummer ? dayField - 60 : dayField;

        int year;
        if (text.Length == 12)
        {
            year = int.Parse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        else
        {
            year = (today.Year / 100 * 100) + Two(tenDigits, 0);
            if ((year, month, day).CompareTo((today.Year, today.Month, today.Day)) > 0)
            {
                year -= 100;
            }

            if (separator == '+')
            {
                year -= 100;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return Fail(IdentityNumberError.InvalidDate);
        }

        var birthDate = new DateOnly(year, month, day);
        if (birthDate > today)
        {
            return Fail(IdentityNumberError.DateInFuture);
        }

        if (Luhn.CheckDigit(tenDigits.AsSpan(0, 9)) != tenDigits[9] - '0')
        {
            return Fail(IdentityNumberError.InvalidCheckDigit);
        }

        var twelve = year.ToString("D4", CultureInfo.InvariantCulture) + tenDigits[2..];
        return new IdentityNumberParseResult(
            new PersonalIdentityNumber(twelve, birthDate, kind, testNumbers.Contains(twelve)),
            IdentityNumberError.None);
    }

    /// <summary>
    /// The normalized 12-digit form (YYYYMMDDNNNC). Use it only to derive the pseudonymous key or to hand
    /// the number to a system that is entitled to it; never store or log it.
    /// </summary>
    public string RevealTwelveDigits() => _twelveDigits;

    /// <summary>A masked form that never shows the digits.</summary>
    public override string ToString() =>
        Kind == PersonalIdentityNumberKind.Samordningsnummer ? $"samordningsnummer {Masked}" : $"personnummer {Masked}";

    public bool Equals(PersonalIdentityNumber? other) =>
        other is not null && string.Equals(_twelveDigits, other._twelveDigits, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as PersonalIdentityNumber);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_twelveDigits);

    private static int Two(string digits, int start) => ((digits[start] - '0') * 10) + (digits[start + 1] - '0');

    private static IdentityNumberParseResult Fail(IdentityNumberError error) => new(null, error);

    /// <summary>Refuses to put an identity number into JSON, in either direction.</summary>
    private sealed class NeverSerializedConverter : JsonConverter<PersonalIdentityNumber>
    {
        public override PersonalIdentityNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new JsonException("Personal identity numbers are never read from stored JSON; parse the input instead.");

        public override void Write(Utf8JsonWriter writer, PersonalIdentityNumber value, JsonSerializerOptions options) =>
            throw new JsonException("Personal identity numbers are never serialized; store the pseudonymous key.");
    }
}

/// <summary>The number, or why the input was refused.</summary>
public sealed record IdentityNumberParseResult(PersonalIdentityNumber? Number, IdentityNumberError Error)
{
    [MemberNotNullWhen(true, nameof(Number))]
    public bool IsValid => Number is not null;
}
