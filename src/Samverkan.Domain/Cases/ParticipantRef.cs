using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>A participant: a team or a single staff member (exactly one of the two is set).</summary>
public sealed record ParticipantRef
{
    public TeamId? Team { get; init; }

    public StaffId? Staff { get; init; }

    public static ParticipantRef ForTeam(TeamId team) => new() { Team = team };

    public static ParticipantRef ForStaff(StaffId staff) => new() { Staff = staff };

    /// <summary>True when <paramref name="actor"/> is this staff member or a member of this team.</summary>
    public bool Includes(ActingStaff actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return (Staff is { } s && s == actor.Staff) || (Team is { } t && actor.Teams.Contains(t));
    }

    public override string ToString() => Team is { } t ? $"team:{t}" : $"staff:{Staff}";
}
