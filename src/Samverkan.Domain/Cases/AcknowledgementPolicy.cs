using System.Collections.Immutable;

namespace Samverkan.Domain.Cases;

/// <summary>
/// How long the participants have to acknowledge a new case: <see cref="Days"/> days (default 1) at the
/// same clock time, or <see cref="UrgentWithin"/> (default 4 hours) when urgent. Days are school days for
/// cases the school leads, and working days (weekdays that are not public holidays) for the kinds in
/// <see cref="WorkingDayKinds"/>, which social services lead and which do not stop for school breaks.
/// </summary>
public sealed record AcknowledgementPolicy
{
    public static AcknowledgementPolicy Default { get; } = new();

    public int Days { get; init; } = 1;

    public TimeSpan UrgentWithin { get; init; } = TimeSpan.FromHours(4);

    public ImmutableArray<CaseKind> WorkingDayKinds { get; init; } =
        [CaseKind.ConcernFollowUp, CaseKind.WatchSignal, CaseKind.Sip, CaseKind.PlacedChildFollowUp];
}
