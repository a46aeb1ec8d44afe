using Microsoft.Extensions.Options;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;

namespace Samverkan.Host.Api;

/// <summary>
/// A child as the API names it: either a personal identity number (personnummer or samordningsnummer, accepted only
/// to derive the key, never stored or logged) or the pseudonymous key itself.
/// </summary>
public sealed record ChildReference(string? PersonalIdentityNumber, string? Key);

/// <summary>Resolves <see cref="ChildReference"/>s to pseudonymous keys with the deployment's secret and policy.</summary>
public sealed partial class ChildIdentity
{
    private readonly byte[] _secret;
    private readonly IdentityNumberPolicy _policy;
    private readonly TimeProvider _time;

    public ChildIdentity(IOptions<IdentityOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<ChildIdentity> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (options.Value.PseudonymSecret is { } secret)
        {
            _secret = Convert.FromBase64String(secret);
        }
        else
        {
            // Validation refuses this in Production.
            _secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(PseudonymousKey.MinimumSecretLength);
            Log.EphemeralSecret(logger);
        }

        if (_secret.Length < PseudonymousKey.MinimumSecretLength)
        {
            throw new InvalidOperationException($"Samverkan:Identity:PseudonymSecret must be at least {PseudonymousKey.MinimumSecretLength} bytes.");
        }

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
            ? (PseudonymousKey.Derive(number, _secret), null)
            : (null, new FieldError(field + ".personalIdentityNumber", parsed.Error.ToString(), DescribeError(parsed.Error)));
    }

    // The message never contains the number itself.
    private static string DescribeError(IdentityNumberError error) => error switch
    {
        IdentityNumberError.RealNumberOutsideProduction => "Outside production only configured test identity numbers are accepted.",
        IdentityNumberError.TestNumberInProduction => "A test identity number cannot name a child in production.",
        _ => $"Not a valid personal identity number ({error}).",
    };

    private static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Warning, "No Samverkan:Identity:PseudonymSecret is configured: this process made up its own, so children's keys change at restart")]
        public static partial void EphemeralSecret(ILogger logger);
    }
}
