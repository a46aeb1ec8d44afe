namespace Samverkan.Domain.Identity;

/// <summary>
/// Which identity numbers an environment accepts. Outside production only test numbers are accepted, so
/// real people's numbers never land in test systems; in production test numbers are refused unless
/// <see cref="AllowTestNumbersInProduction"/> is set (e.g. for a smoke-test tenant).
/// </summary>
public sealed record IdentityNumberPolicy(bool IsProduction, TestNumberSeries TestNumbers, bool AllowTestNumbersInProduction = false)
{
    /// <summary>Production: real numbers only.</summary>
    public static IdentityNumberPolicy Production(TestNumberSeries testNumbers) => new(true, testNumbers);

    /// <summary>Any environment other than production: test numbers only.</summary>
    public static IdentityNumberPolicy NonProduction(TestNumberSeries testNumbers) => new(false, testNumbers);

    /// <summary>The policy's verdict on a well-formed number.</summary>
    public IdentityNumberError Check(PersonalIdentityNumber number)
    {
        ArgumentNullException.ThrowIfNull(number);
        if (!IsProduction)
        {
            return number.IsTestNumber ? IdentityNumberError.None : IdentityNumberError.RealNumberOutsideProduction;
        }

        return number.IsTestNumber && !AllowTestNumbersInProduction
            ? IdentityNumberError.TestNumberInProduction
            : IdentityNumberError.None;
    }
}
