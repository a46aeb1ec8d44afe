namespace Samverkan.Domain.Identity;

/// <summary>Why an input is not an acceptable identity number.</summary>
public enum IdentityNumberError
{
    None = 0,

    /// <summary>Nothing was given.</summary>
    Missing,

    /// <summary>Not 10 or 12 digits with an optional <c>-</c> or <c>+</c> before the last four.</summary>
    InvalidFormat,

    /// <summary>The date part is not a real calendar date (after removing 60 from a samordningsnummer's day).</summary>
    InvalidDate,

    /// <summary>The birth date lies after the reference date.</summary>
    DateInFuture,

    /// <summary>The last digit does not match the Luhn (modulus 10) check digit.</summary>
    InvalidCheckDigit,

    /// <summary>Outside production only Skatteverket's test numbers are accepted, so real people never land in a test system.</summary>
    RealNumberOutsideProduction,

    /// <summary>In production a test number cannot be a real child.</summary>
    TestNumberInProduction,
}
