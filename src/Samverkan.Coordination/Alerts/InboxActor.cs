using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Coordination.Projections;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Alerts;

/// <summary>A person's durable inbox: alerts stay until acknowledged. The alert stream reads the projected rows.</summary>
public sealed class InboxActor : Actor<InboxState>
{
    /// <summary>Unacknowledged alerts kept in the actor; older ones stay in the read model.</summary>
    public const int MaxOpenAlerts = 500;

    public InboxActor()
        : base(CoordinationActors.Inbox)
    {
        On<DeliverAlert>((m, c) =>
        {
            if (c.State.Open.Contains(m.AlertKey))
            {
                return;
            }

            var open = c.State.Open.Add(m.AlertKey);
            c.State = new InboxState(open.Length > MaxOpenAlerts ? open.RemoveAt(0) : open, c.State.Delivered + 1);
            var staff = new StaffId(c.Self.Key);
            c.Project(new AlertRow(m.AlertKey, staff, m.Alert));
            c.Publish(CoordinationTopics.Alerts + c.Self.Key, new AlertSignal(m.AlertKey, "delivered"));
        });
        OnAsk<AcknowledgeAlert, CommandResult>((m, c) =>
        {
            if (!c.State.Open.Contains(m.AlertKey))
            {
                return CommandResult.Done; // Acknowledged before (or unknown): acknowledging is idempotent.
            }

            c.State = c.State with { Open = c.State.Open.Remove(m.AlertKey) };
            c.Project(new AlertAcknowledgedRow(m.AlertKey, c.Now));
            c.Publish(CoordinationTopics.Alerts + c.Self.Key, new AlertSignal(m.AlertKey, "acknowledged"));
            return CommandResult.Done;
        });
    }

    protected override InboxState CreateInitialState(string key) => new([], 0);
}

public sealed record InboxState(ImmutableArray<string> Open, long Delivered);

/// <summary>The payload of an <c>alerts/…</c> signal.</summary>
public sealed record AlertSignal(string AlertKey, string Change);
