using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Rules;

namespace Samverkan.Domain.Children;

/// <summary>
/// What a child decision needs besides the state: the time, the effective rules and calendar of the
/// child's current school, the school itself, and the policies.
/// </summary>
public sealed record ChildContext
{
    public required DateTimeOffset Now { get; init; }

    public required EffectiveRules Rules { get; init; }

    public required SchoolCalendar Calendar { get; init; }

    /// <summary>The child's current school (student-health team, social-services link); null when unknown.</summary>
    public School? School { get; init; }

    public ChildPolicies Policies { get; init; } = ChildPolicies.Default;

    /// <summary>The deadlines of case work (the reporter's feedback, placement follow-ups).</summary>
    public Cases.CaseWorkPolicy Work { get; init; } = Cases.CaseWorkPolicy.Default;

    /// <summary>The municipality's coordinators, alerted when no one else can be.</summary>
    public TeamId? CoordinatorTeam { get; init; }

    public static ChildContext At(TimeProvider time, EffectiveRules rules, SchoolCalendar calendar, School? school)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new ChildContext { Now = time.GetUtcNow(), Rules = rules, Calendar = calendar, School = school };
    }
}
