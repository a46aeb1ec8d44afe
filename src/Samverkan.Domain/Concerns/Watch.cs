using System.Text.Json.Serialization;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Concerns;

[JsonConverter(typeof(JsonStringEnumConverter<WatchStatus>))]
public enum WatchStatus
{
    Active,
    Expired,
}

/// <summary>
/// Extra attention after a report of concern that did not lead to an investigation (Borlänge: "ingen får
/// tappas bort"). Owned by the school's social-services contact person; any new signal while it is active
/// raises a case with social services. Active from <see cref="StartedAt"/> (inclusive) to
/// <see cref="EndsAt"/> (exclusive).
/// </summary>
public sealed record Watch
{
    /// <summary>The concern whose outcome started (or last extended) the watch.</summary>
    public required ConcernId Concern { get; init; }

    /// <summary>The owner; null when the school has no social-services contact person (an alert says so).</summary>
    public StaffId? Owner { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public WatchStatus Status { get; init; } = WatchStatus.Active;

    public DateTimeOffset? ExpiredAt { get; init; }

    /// <summary>True while the watch applies; it lapses at <see cref="EndsAt"/> even before the expiry timer has fired.</summary>
    public bool IsActiveAt(DateTimeOffset now) => Status == WatchStatus.Active && now >= StartedAt && now < EndsAt;
}
