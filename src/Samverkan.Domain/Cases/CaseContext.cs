using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>What a case decision needs besides the case: the time, the calendar, the policy and the school.</summary>
public sealed record CaseContext
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>The school's municipality's calendar; null falls back to working days.</summary>
    public SchoolCalendar? Calendar { get; init; }

    public AcknowledgementPolicy Policy { get; init; } = AcknowledgementPolicy.Default;

    /// <summary>The members of the case's participating teams, so a person in a team is not alerted twice.</summary>
    public ImmutableDictionary<TeamId, ImmutableHashSet<StaffId>> TeamMembers { get; init; } = ImmutableDictionary<TeamId, ImmutableHashSet<StaffId>>.Empty;

    /// <summary>The deadlines of case work (plan actions, SIP, placement follow-ups).</summary>
    public CaseWorkPolicy Work { get; init; } = CaseWorkPolicy.Default;

    /// <summary>The child's school (student-health team, social-services link).</summary>
    public School? School { get; init; }

    /// <summary>The municipality's coordinators: alerted when a case has no one else, and on escalation.</summary>
    public TeamId? CoordinatorTeam { get; init; }

    public static CaseContext At(TimeProvider time, SchoolCalendar? calendar, School? school)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new CaseContext { Now = time.GetUtcNow(), Calendar = calendar, School = school };
    }
}
