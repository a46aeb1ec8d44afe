using Microsoft.Extensions.Options;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>
/// A child as the API names it: either a personal identity number (personnummer or samordningsnummer, accepted only
/// to derive the key, never stored or logged) or the pseudonymous key itself.
/// </summary>
public sealed record ChildReference(string? PersonalIdentityNumber, string? Key);

/// <summary>Resolves <see cref="ChildReference"/>s to pseudonymous keys with the deployment's secret and policy.</summary>
public sealed class ChildIdentity
{
    private readonly PseudonymSecret _secret;
    private readonly IdentityNumberPolicy _policy;
    private readonly TimeProvider _time;

    public ChildIdentity(IOptions<IdentityOptions> options, PseudonymSecret secret, IHostEnvironment environment, ServiceClock time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _secret = secret;
        var testNumbers = options.Value.TestNumbersFile is { Length: > 0 } file
            ? TestNumberSeries.FromTwelveDigitNumbers(File.ReadLines(file).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')))
            : TestNumberSeries.None;
        _policy = environment.IsProduction()
            ? IdentityNumberPolicy.Production(testNumbers) with { AllowTestNumbersInProduction = options.Value.AllowTestNumbersInProduction }
            : IdentityNumberPolicy.NonProduction(testNumbers);
        _time = time;
    }

    /// <summary>The key, or the field errors (named under <paramref name="field"/>).</summary>
    public (PseudonymousKey? Key, FieldError? Error) Resolve(ChildReference? child, string field)
    {
        if (child is null || (child.PersonalIdentityNumber is null) == (child.Key is null))
        {
            return (null, new FieldError(field, "Required", "Give exactly one of personalIdentityNumber and key."));
        }

        if (child.Key is { } key)
        {
            return PseudonymousKey.IsWellFormed(key)
                ? (new PseudonymousKey(key), null)
                : (null, new FieldError(field + ".key", "Invalid", "Not a pseudonymous key."));
        }

        var parsed = PersonalIdentityNumber.Parse(child.PersonalIdentityNumber, SwedishTime.DateOf(_time.GetUtcNow()), _policy);
        return parsed.Number is { } number
            ? (PseudonymousKey.Derive(number, _secret.Value), null)
            : (null, new FieldError(field + ".personalIdentityNumber", parsed.Error.ToString(), DescribeError(parsed.Error)));
    }

    // The message never contains the number itself.
    private static string DescribeError(IdentityNumberError error) => error switch
    {
        IdentityNumberError.RealNumberOutsideProduction => "Outside production only configured test identity numbers are accepted.",
        IdentityNumberError.TestNumberInProduction => "A test identity number cannot name a child in production.",
        _ => $"Not a valid personal identity number ({error}).",
    };
}
