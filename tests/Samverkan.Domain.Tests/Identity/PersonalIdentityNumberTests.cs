using System.Text.Json;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Tests.Identity;

public class PersonalIdentityNumberTests
{
    private static readonly DateOnly Today = new(2025, 6, 15);

    [Theory]
    [InlineData("811218-9876", "1981-12-18", PersonalIdentityNumberKind.Personnummer, "198112189876")]
    [InlineData("8112189876", "1981-12-18", PersonalIdentityNumberKind.Personnummer, "198112189876")]
    [InlineData("19811218-9876", "1981-12-18", PersonalIdentityNumberKind.Personnummer, "198112189876")]
    [InlineData("198112189876", "1981-12-18", PersonalIdentityNumberKind.Personnummer, "198112189876")]
    [InlineData("  811218-9876 ", "1981-12-18", PersonalIdentityNumberKind.Personnummer, "198112189876")]
    [InlineData("640823-3234", "1964-08-23", PersonalIdentityNumberKind.Personnummer, "196408233234")]
    [InlineData("811218+9876", "1881-12-18", PersonalIdentityNumberKind.Personnummer, "188112189876")]
    [InlineData("121212-1212", "2012-12-12", PersonalIdentityNumberKind.Personnummer, "201212121212")]
    [InlineData("121212+1212", "1912-12-12", PersonalIdentityNumberKind.Personnummer, "191212121212")]
    [InlineData("250615-1238", "2025-06-15", PersonalIdentityNumberKind.Personnummer, "202506151238")]
    [InlineData("250616-1237", "1925-06-16", PersonalIdentityNumberKind.Personnummer, "192506161237")]
    [InlineData("000229-1235", "2000-02-29", PersonalIdentityNumberKind.Personnummer, "200002291235")]
    [InlineData("200002291235", "2000-02-29", PersonalIdentityNumberKind.Personnummer, "200002291235")]
    [InlineData("701063-2391", "1970-10-03", PersonalIdentityNumberKind.Samordningsnummer, "197010632391")]
    [InlineData("701061-2393", "1970-10-01", PersonalIdentityNumberKind.Samordningsnummer, "197010612393")]
    public void Parse_AcceptsValidNumbersAndInfersCentury(string input, string birthDate, PersonalIdentityNumberKind kind, string twelveDigits)
    {
        var result = PersonalIdentityNumber.ParseFormat(input, Today, TestNumberSeries.None);

        result.Error.ShouldBe(IdentityNumberError.None);
        result.Number.ShouldNotBeNull();
        result.Number.BirthDate.ShouldBe(TestData.D(birthDate));
        result.Number.Kind.ShouldBe(kind);
        result.Number.RevealTwelveDigits().ShouldBe(twelveDigits);
    }

    [Theory]
    [InlineData(null, IdentityNumberError.Missing)]
    [InlineData("", IdentityNumberError.Missing)]
    [InlineData("   ", IdentityNumberError.Missing)]
    [InlineData("811218-987", IdentityNumberError.InvalidFormat)]
    [InlineData("81121A-9876", IdentityNumberError.InvalidFormat)]
    [InlineData("811218_9876", IdentityNumberError.InvalidFormat)]
    [InlineData("8112-189876", IdentityNumberError.InvalidFormat)]
    [InlineData("19811218+9876", IdentityNumberError.InvalidFormat)]
    [InlineData("1981121898765", IdentityNumberError.InvalidFormat)]
    [InlineData("811218-9875", IdentityNumberError.InvalidCheckDigit)]
    [InlineData("811218-9867", IdentityNumberError.InvalidCheckDigit)]
    [InlineData("811318-9875", IdentityNumberError.InvalidDate)]
    [InlineData("810231-9871", IdentityNumberError.InvalidDate)]
    [InlineData("000229+1235", IdentityNumberError.InvalidDate)]
    [InlineData("190002291235", IdentityNumberError.InvalidDate)]
    [InlineData("701092-2396", IdentityNumberError.InvalidDate)]
    [InlineData("701060-2394", IdentityNumberError.InvalidDate)]
    [InlineData("202506161237", IdentityNumberError.DateInFuture)]
    public void Parse_RefusesInvalidInputWithTheReason(string? input, IdentityNumberError expected)
    {
        var result = PersonalIdentityNumber.ParseFormat(input, Today, TestNumberSeries.None);

        result.Number.ShouldBeNull();
        result.Error.ShouldBe(expected);
    }

    public static TheoryData<bool, bool, string, IdentityNumberError> PolicyCases => new()
    {
        // production?, allow test numbers in production?, input, expected
        { false, false, "811218-9876", IdentityNumberError.None },
        { false, false, "640823-3234", IdentityNumberError.RealNumberOutsideProduction },
        { true, false, "640823-3234", IdentityNumberError.None },
        { true, false, "811218-9876", IdentityNumberError.TestNumberInProduction },
        { true, true, "811218-9876", IdentityNumberError.None },
    };

    [Theory]
    [MemberData(nameof(PolicyCases))]
    public void Parse_AppliesTheEnvironmentPolicy(bool production, bool allowTestInProduction, string input, IdentityNumberError expected)
    {
        var series = TestNumberSeries.FromTwelveDigitNumbers(["19811218-9876", "201701012393"]);
        var policy = new IdentityNumberPolicy(production, series, allowTestInProduction);

        var result = PersonalIdentityNumber.Parse(input, Today, policy);

        result.Error.ShouldBe(expected);
        result.IsValid.ShouldBe(expected == IdentityNumberError.None);
    }

    [Fact]
    public void Parse_FlagsNumbersInTheTestSeries()
    {
        var series = TestNumberSeries.FromTwelveDigitNumbers(["198112189876"]);

        PersonalIdentityNumber.ParseFormat("811218-9876", Today, series).Number!.IsTestNumber.ShouldBeTrue();
        PersonalIdentityNumber.ParseFormat("640823-3234", Today, series).Number!.IsTestNumber.ShouldBeFalse();
    }

    [Fact]
    public void TestNumberSeries_RefusesEntriesThatAreNotTwelveDigits() =>
        Should.Throw<ArgumentException>(() => TestNumberSeries.FromTwelveDigitNumbers(["811218-9876"]));

    [Theory]
    [InlineData("811218-9876")]
    [InlineData("701063-2391")]
    public void ToString_NeverShowsTheDigits(string input)
    {
        var number = PersonalIdentityNumber.ParseFormat(input, Today, TestNumberSeries.None).Number!;

        var text = $"{number} {number.ToString()} {PersonalIdentityNumber.ParseFormat(input, Today, TestNumberSeries.None)}";

        text.Any(char.IsAsciiDigit).ShouldBeFalse(text);
        text.ShouldContain("****");
    }

    [Fact]
    public void Serialize_Throws_SoTheNumberIsNeverStored()
    {
        var number = PersonalIdentityNumber.ParseFormat("811218-9876", Today, TestNumberSeries.None).Number!;

        Should.Throw<JsonException>(() => JsonSerializer.Serialize(new { number }));
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<PersonalIdentityNumber>("\"198112189876\""));
    }

    [Fact]
    public void Equals_ComparesTheNormalizedNumber()
    {
        var a = PersonalIdentityNumber.ParseFormat("811218-9876", Today, TestNumberSeries.None).Number!;
        var b = PersonalIdentityNumber.ParseFormat("198112189876", Today, TestNumberSeries.None).Number!;
        var c = PersonalIdentityNumber.ParseFormat("640823-3234", Today, TestNumberSeries.None).Number!;

        a.ShouldBe(b);
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ShouldNotBe(c);
    }

    [Theory]
    [InlineData("811218987", 6)]
    [InlineData("640823323", 4)]
    [InlineData("701063239", 1)]
    [InlineData("000000000", 0)]
    public void Luhn_ComputesTheCheckDigit(string nineDigits, int expected) => Luhn.CheckDigit(nineDigits).ShouldBe(expected);
}
