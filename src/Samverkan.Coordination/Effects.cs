using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Coordination.Alerts;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination;

/// <summary>Turns what a decision asked for (alerts, timers) into messages and timers of the actor runtime.</summary>
internal static class Effects
{
    public static void RouteAlerts<TState>(IActorContext<TState> context, ImmutableArray<AlertRequest> alerts)
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
                context.Send(CoordinationActors.TeamOf(team), new FanOutAlert(alert, key));
            }
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
