using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Samverkan.Actors;
using Samverkan.Domain.Common;
using Samverkan.Host.Security;

namespace Samverkan.Host.Api;

/// <summary>
/// Absence registrations from an in-process feed (the SS 12000 connector): exactly the batch endpoint's path
/// (<see cref="StoreAsync"/>: validation, write scope, enrolment check, classification, one message per child), answered
/// as the receipt or the refused items.
/// </summary>
public static partial class AbsenceApi
{
    internal static async Task<(IngestReceipt? Receipt, IReadOnlyList<ItemError> Refused)> StoreInProcessAsync(
        IReadOnlyList<AbsenceItem> items, Caller caller, ChildIdentity identity, WriteScope scope, NpgsqlDataSource database, IActorClient actors,
        ServiceClock time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return (new IngestReceipt(0, 0, 0, []), []);
        }

        if (items.Count > MaxItemsPerBatch)
        {
            throw new ArgumentException($"At most {MaxItemsPerBatch} registrations per call.", nameof(items));
        }

        var result = await StoreAsync(items, caller, identity, scope, database, actors, time, cancellationToken).ConfigureAwait(false);
        return result.Result switch
        {
            Accepted<IngestReceipt> accepted => (accepted.Value, []),
            ProblemHttpResult { ProblemDetails.Extensions: var extensions } when extensions.TryGetValue("errors", out var errors) && errors is IReadOnlyList<ItemError> list =>
                (null, list),
            _ => throw new InvalidOperationException("The absence path answered neither a receipt nor item errors."),
        };
    }
}
