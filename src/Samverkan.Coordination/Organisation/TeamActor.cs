using Samverkan.Actors;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Projections;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Organisation;

/// <summary>A team of any agency (student-health team, social services unit, BVC, BUP …); fans alerts out to its members.</summary>
public sealed class TeamActor : Actor<TeamActorState>
{
    public TeamActor()
        : base(CoordinationActors.Team)
    {
        OnAsk<UpsertTeam, CommandResult>((m, c) =>
        {
            if (m.Team.Id.Value != c.Self.Key)
            {
                return CommandResult.Refused("WrongTeam", "The team id does not match.");
            }

            if (m.Team == c.State.Team)
            {
                return CommandResult.Done;
            }

            c.State = new TeamActorState(m.Team);
            c.Project(new TeamRow(m.Team));
            c.Publish(CoordinationTopics.Reference + "team/" + m.Team.Id.Value, new ReferenceChanged(m.Team.Id.Value));
            return CommandResult.Done with { Id = m.Team.Id.Value };
        });
        On<FanOutAlert>((m, c) =>
        {
            // Every member gets it in their own inbox. A team without members (yet) keeps nothing: the case still
            // records the team as participant and its members see the case when they join.
            foreach (var member in c.State.Team?.Members.Select(x => x.Staff).Distinct() ?? [])
            {
                c.Send(
                    CoordinationActors.InboxOf(member),
                    new DeliverAlert(m.Alert with { Recipient = AlertRecipient.ToStaff(member) }, m.AlertKey + "/" + member.Value));
            }
        });
    }

    protected override TeamActorState CreateInitialState(string key) => new(null);
}

public sealed record TeamActorState(Team? Team);

/// <summary>A staff member as the roster knows them.</summary>
public sealed class StaffActor : Actor<StaffActorState>
{
    public StaffActor()
        : base(CoordinationActors.Staff)
    {
        OnAsk<UpsertStaff, CommandResult>((m, c) =>
        {
            if (m.Staff.Id.Value != c.Self.Key)
            {
                return CommandResult.Refused("WrongStaff", "The staff id does not match.");
            }

            if (m.Staff != c.State.Staff)
            {
                c.State = new StaffActorState(m.Staff);
                c.Project(new StaffRow(m.Staff));
            }

            return CommandResult.Done with { Id = m.Staff.Id.Value };
        });
    }

    protected override StaffActorState CreateInitialState(string key) => new(null);
}

public sealed record StaffActorState(Staff? Staff);
