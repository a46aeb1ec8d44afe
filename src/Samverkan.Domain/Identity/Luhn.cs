namespace Samverkan.Domain.Identity;

/// <summary>The modulus 10 check digit used by Swedish identity numbers (weights 2,1,2,1,...).</summary>
public static class Luhn
{
    /// <summary>The check digit for the nine digits YYMMDDNNN.</summary>
    public static int CheckDigit(ReadOnlySpan<char> nineDigits)
    {
        if (nineDigits.Length != 9)
        {
            throw new ArgumentException("Exactly nine digits are required.", nameof(nineDigits));
        }

        var sum = 0;
        for (var i = 0; i < nineDigits.Length; i++)
        {
            var digit = nineDigits[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new ArgumentException("Only digits are allowed.", nameof(nineDigits));
            }

            var product = i % 2 == 0 ? digit * 2 : digit;
            sum += product > 9 ? product - 9 : product;
        }

        return (10 - (sum % 10)) % 10;
    }
}
