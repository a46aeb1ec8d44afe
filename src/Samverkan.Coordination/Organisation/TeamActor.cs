using System.Collections.Immutable;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
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
            if (c.State.Team is { } team)
            {
                Effects.FanOut(c, team, m.Alert, m.AlertKey);
            }
        });
    }

    protected override TeamActorState CreateInitialState(string key) => new(null);
}

public sealed record TeamActorState(Team? Team);

/// <summary>
/// A staff member as the roster knows them, and the register of what they hold roles on (cases, children as named
/// person). When they are deactivated (a roster upsert with <c>active: false</c>, or <see cref="DeactivateStaff"/>),
/// every holder is told, so their roles are flagged for reassignment and their manager alerted.
/// </summary>
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

            Upsert(c, m.Staff);
            return CommandResult.Done with { Id = m.Staff.Id.Value };
        });
        OnAsk<DeactivateStaff, CommandResult>((_, c) =>
        {
            if (c.State.Staff is not { } staff)
            {
                return CommandResult.Refused("StaffNotFound", "No such staff member in the roster.");
            }

            Upsert(c, staff with { Active = false });
            return CommandResult.Done with { Id = staff.Id.Value };
        });
        On<TrackStaffRole>((m, c) =>
        {
            var holds = c.State.Holdings.Contains(m.Holder);
            if (m.Held && !holds)
            {
                c.State = c.State with { Holdings = c.State.Holdings.Add(m.Holder) };
                if (c.State.Staff is { Active: false } staff)
                {
                    // Given a role after leaving: flag it at once.
                    NotifyHolder(c, staff, m.Holder);
                }
            }
            else if (!m.Held && holds)
            {
                c.State = c.State with { Holdings = c.State.Holdings.Remove(m.Holder) };
            }
        });
    }

    protected override StaffActorState CreateInitialState(string key) => new(null);

    private static void Upsert(IActorContext<StaffActorState> context, Staff staff)
    {
        var before = context.State.Staff;
        if (staff == before)
        {
            return;
        }

        context.State = context.State with { Staff = staff };
        context.Project(new StaffRow(staff));
        if (!staff.Active && (before is null || before.Active))
        {
            foreach (var holder in context.State.Holdings)
            {
                NotifyHolder(context, staff, holder);
            }
        }
    }

    private static void NotifyHolder(IActorContext<StaffActorState> context, Staff staff, string holder)
    {
        var slash = holder.IndexOf('/', StringComparison.Ordinal);
        var (type, key) = (holder[..slash], holder[(slash + 1)..]);
        if (type == CoordinationActors.Case)
        {
            context.Send(new ActorId(CoordinationActors.Case, key), new Cases.CaseStaffDeactivated(staff.Id, staff.Manager));
        }
        else if (type == CoordinationActors.Child)
        {
            context.Send(new ActorId(CoordinationActors.Child, key), new Children.NamedPersonDeactivated(staff.Id, staff.Manager));
        }
    }
}

/// <summary>The staff actor's state: the roster record and the actors it holds roles on (<c>case/{id}</c>, <c>child/{key}</c>).</summary>
public sealed record StaffActorState(Staff? Staff)
{
    public ImmutableArray<string> Holdings { get; init; } = [];
}
