using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Coordination.Alerts;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination;

/// <summary>Turns what a decision asked for (alerts, timers) into messages and timers of the actor runtime.</summary>
internal static class Effects
{
    /// <summary>
    /// Sends each alert to its recipients' inboxes. An alert to a team goes straight to the inboxes of the members
    /// this node's reference data knows (the same members the decision chose the team by), which saves a durable hop
    /// on the way to the person; a team the reference data does not know goes through its team actor.
    /// </summary>
    public static void RouteAlerts<TState>(IActorContext<TState> context, ImmutableArray<AlertRequest> alerts, ReferenceData reference)
        where TState : class
    {
        foreach (var alert in alerts)
        {
            // Each alert is committed exactly once with the decision that raised it, so a fresh key is stable.
            var key = $"{context.Self.Type}/{context.Self.Key}/{Guid.NewGuid():N}";
            if (alert.Recipient.Staff is { } staff)
            {
                context.Send(CoordinationActors.InboxOf(staff), new DeliverAlert(alert, key));
            }
            else if (alert.Recipient.Team is { } team)
            {
                if (reference.Team(team) is { } known)
                {
                    FanOut(context, known, alert, key);
                }
                else
                {
                    context.Send(CoordinationActors.TeamOf(team), new FanOutAlert(alert, key));
                }
            }
        }
    }

    /// <summary>Every member of the team gets the alert in their own inbox, under the team alert's key and their id.</summary>
    public static void FanOut<TState>(IActorContext<TState> context, Team team, AlertRequest alert, string key)
        where TState : class
    {
        foreach (var member in team.Members.Select(x => x.Staff).Distinct())
        {
            context.Send(
                CoordinationActors.InboxOf(member),
                new DeliverAlert(alert with { Recipient = AlertRecipient.ToStaff(member) }, key + "/" + member.Value));
        }
    }

    public static void ApplyTimers<TState>(IActorContext<TState> context, ImmutableArray<TimerInstruction> timers, Func<string, object> messageFor)
        where TState : class
    {
        foreach (var timer in timers)
        {
            if (timer.Action == TimerAction.Cancel || timer.DueAt is null)
            {
                context.CancelTimer(timer.Name);
            }
            else
            {
                context.SetTimer(timer.Name, timer.DueAt.Value, messageFor(timer.Name));
            }
        }
    }
}
