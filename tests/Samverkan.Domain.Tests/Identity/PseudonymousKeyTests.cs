using System.Text.Json;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Tests.Identity;

public class PseudonymousKeyTests
{
    private static readonly DateOnly Today = new(2025, 6, 15);
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] OtherSecret = [.. Enumerable.Range(2, 32).Select(i => (byte)i)];

    private static PersonalIdentityNumber Number(string input) => PersonalIdentityNumber.ParseFormat(input, Today, TestNumberSeries.None).Number!;

    [Fact]
    public void Derive_IsStableAcrossInputFormsOfTheSameNumber()
    {
        var a = PseudonymousKey.Derive(Number("811218-9876"), Secret);
        var b = PseudonymousKey.Derive(Number("198112189876"), Secret);

        a.ShouldBe(b);
        a.Value.ShouldMatch("^c_[a-z2-7]{32}$");
    }

    [Fact]
    public void Derive_DiffersForOtherNumbersAndOtherSecrets()
    {
        var key = PseudonymousKey.Derive(Number("811218-9876"), Secret);

        PseudonymousKey.Derive(Number("640823-3234"), Secret).ShouldNotBe(key);
        PseudonymousKey.Derive(Number("811218-9876"), OtherSecret).ShouldNotBe(key);
    }

    [Fact]
    public void Derive_DoesNotContainTheNumber()
    {
        var key = PseudonymousKey.Derive(Number("811218-9876"), Secret);

        key.Value.ShouldNotContain("811218");
        key.Value.Any(c => c is '0' or '1' or '8' or '9').ShouldBeFalse();
    }

    [Fact]
    public void Derive_RefusesAShortSecret() =>
        Should.Throw<ArgumentException>(() => PseudonymousKey.Derive(Number("811218-9876"), new byte[16]));

    [Theory]
    [InlineData("c_abcdefghijklmnop", true)]
    [InlineData("c_abcdefghijklmno", false)]
    [InlineData("abcdefghijklmnopqr", false)]
    [InlineData("c_198112189876aaaa", false)]
    [InlineData("c_ABCDEFGHIJKLMNOP", false)]
    [InlineData("", false)]
    public void IsWellFormed_AcceptsOnlyTheKeyFormat(string value, bool expected)
    {
        PseudonymousKey.IsWellFormed(value).ShouldBe(expected);
        if (!expected)
        {
            Should.Throw<ArgumentException>(() => new PseudonymousKey(value));
        }
    }

    [Fact]
    public void Json_IsAPlainStringAndRoundTrips()
    {
        var key = PseudonymousKey.Derive(Number("811218-9876"), Secret);

        var json = JsonSerializer.Serialize(key);

        json.ShouldBe($"\"{key.Value}\"");
        JsonSerializer.Deserialize<PseudonymousKey>(json).ShouldBe(key);
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<PseudonymousKey>("\"198112189876\""));
    }
}
