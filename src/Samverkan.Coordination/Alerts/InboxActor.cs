using System.Collections.Immutable;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Alerts;

/// <summary>
/// A person's durable inbox: alerts stay until acknowledged. The alert stream reads the projected rows. An alert of a
/// case that is still open at its deadline (<see cref="AlertEscalation"/>, a durable timer) escalates to the person's
/// manager and the school's second social-services contact person. Messages are handled one at a time, so an
/// acknowledgement and the deadline cannot both win: whichever is processed first decides.
/// </summary>
public sealed class InboxActor : Actor<InboxState>
{
    /// <summary>Unacknowledged alerts kept in the actor; older ones stay in the read model.</summary>
    public const int MaxOpenAlerts = 500;

    private readonly ReferenceData _reference;

    public InboxActor(ReferenceData reference)
        : base(CoordinationActors.Inbox)
    {
        _reference = reference;
        On<DeliverAlert>((m, c) =>
        {
            if (c.State.Open.Contains(m.AlertKey))
            {
                return;
            }

            var open = c.State.Open.Add(m.AlertKey);
            if (open.Length > MaxOpenAlerts)
            {
                c.CancelTimer(AlertEscalation.TimerName(open[0]));
                open = open.RemoveAt(0);
            }

            c.State = c.State with { Open = open, Delivered = c.State.Delivered + 1 };
            var staff = new StaffId(c.Self.Key);
            c.Project(new AlertRow(m.AlertKey, staff, m.Alert));
            c.Project(new WebhookOutboxRow(m.AlertKey, c.Now));
            if (AlertEscalation.Escalates(m))
            {
                c.SetTimer(AlertEscalation.TimerName(m.AlertKey), AlertEscalation.DeadlineFor(m.Alert.Severity, c.Now), new EscalateAlert(m.AlertKey, m.Alert));
            }

            c.Publish(CoordinationTopics.Alerts + c.Self.Key, new AlertSignal(m.AlertKey, "delivered"));
        });
        OnAsk<AcknowledgeAlert, CommandResult>((m, c) =>
        {
            if (!c.State.Open.Contains(m.AlertKey))
            {
                return CommandResult.Done; // Acknowledged before (or unknown): acknowledging is idempotent.
            }

            c.State = c.State with { Open = c.State.Open.Remove(m.AlertKey) };
            c.CancelTimer(AlertEscalation.TimerName(m.AlertKey));
            c.Project(new AlertAcknowledgedRow(m.AlertKey, c.Now));
            c.Publish(CoordinationTopics.Alerts + c.Self.Key, new AlertSignal(m.AlertKey, "acknowledged"));
            return CommandResult.Done;
        });
        On<EscalateAlert>((m, c) =>
        {
            // Acknowledged (or pushed out of the inbox) before the deadline: nothing to do.
            if (!c.State.Open.Contains(m.AlertKey) || c.State.Escalated.Contains(m.AlertKey))
            {
                return;
            }

            var self = new StaffId(c.Self.Key);
            var recipients = EscalationRecipients(self, m.Alert).Where(r => r != self).Distinct().ToImmutableArray();
            foreach (var recipient in recipients)
            {
                c.Send(
                    CoordinationActors.InboxOf(recipient),
                    new DeliverAlert(AlertEscalation.EscalationOf(m.Alert, recipient, c.Now), $"{m.AlertKey}/escalated/{recipient.Value}", m.AlertKey));
            }

            // Visible on the case's timeline, to every participant.
            if (m.Alert.Case is { } caseId)
            {
                c.Send(CoordinationActors.CaseOf(caseId), new Cases.RecordAlertEscalated(m.AlertKey, self, recipients));
            }

            var escalated = c.State.Escalated.Add(m.AlertKey);
            c.State = c.State with { Escalated = escalated.Length > MaxOpenAlerts ? escalated.RemoveAt(0) : escalated };
            c.Publish(CoordinationTopics.Alerts + c.Self.Key, new AlertSignal(m.AlertKey, "escalated"));
        });
    }

    protected override InboxState CreateInitialState(string key) => new([], 0);

    /// <summary>The person's manager and the second social-services contact person of the case's school.</summary>
    private IEnumerable<StaffId> EscalationRecipients(StaffId self, Domain.Common.AlertRequest alert)
    {
        if (_reference.Staff(self)?.Manager is { } manager)
        {
            yield return manager;
        }

        if (_reference.SchoolOf(alert.Case?.Value, alert.Child.Value) is { } schoolId
            && _reference.School(schoolId)?.SocialServices?.ContactPersons is { Length: > 1 } contacts)
        {
            yield return contacts[1];
        }
    }
}

/// <summary>The inbox: open (unacknowledged) alert keys in delivery order, and which of them were escalated.</summary>
public sealed record InboxState(ImmutableArray<string> Open, long Delivered)
{
    public ImmutableArray<string> Escalated { get; init; } = [];
}

/// <summary>The payload of an <c>alerts/…</c> signal. <see cref="Change"/>: delivered, acknowledged or escalated.</summary>
public sealed record AlertSignal(string AlertKey, string Change);
