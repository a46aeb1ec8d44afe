using Samverkan.Domain.Absence;

namespace Samverkan.Domain.Children;

/// <summary>Municipality-configurable policies of the child decisions.</summary>
public sealed record ChildPolicies
{
    public static ChildPolicies Default { get; } = new();

    /// <summary>How long a watch lasts after a concern that led to no investigation (default 6 months).</summary>
    public int WatchMonths { get; init; } = 6;

    public AbsenceRecordPolicy Absence { get; init; } = AbsenceRecordPolicy.Default;
}
