using Samverkan.Domain.Cases;

namespace Samverkan.Domain.Retention;

/// <summary>When records have been kept long enough to be culled (gallring). Pure: the cut-off comes from configuration.</summary>
public static class RetentionRules
{
    /// <summary>True when <paramref name="state"/> is a case closed before <paramref name="closedBefore"/>.</summary>
    public static bool IsCaseDue(CaseState? state, DateTimeOffset closedBefore) =>
        state is { IsClosed: true, Closure: { } closure } && closure.At < closedBefore;
}
