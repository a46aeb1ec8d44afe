using System.Collections.Immutable;
using Samverkan.Domain.Cases.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>
/// The decisions of a case actor. Pure: each takes the state, a command and the context, and returns the
/// new state with what happened (events, alerts, timers) or a refusal.
/// </summary>
public static class CaseDecisions
{
    /// <summary>
    /// Opens the case a trigger asks for: participants (see <see cref="CaseParticipants.Propose"/>), a
    /// proposed lead, status <see cref="CaseStatus.Open"/>, an acknowledgement deadline (a durable timer),
    /// and alerts to the participants. Replaying the same trigger changes nothing; opening over an existing
    /// case with a new trigger adds the evidence instead.
    /// </summary>
    public static CaseDecision Open(CaseState? existing, CaseTrigger trigger, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(context);
        if (existing is not null)
        {
            return AddEvidence(existing, trigger, context);
        }

        var now = context.Now;
        var proposal = CaseParticipants.Propose(trigger, context.School, now);
        var due = AcknowledgementDeadline.Compute(now, trigger.Severity, trigger.Kind, context.Calendar, context.Policy);
        var timeline = ImmutableArray.CreateBuilder<TimelineEntry>();
        timeline.Add(new TimelineEntry(now, TimelineEntryKind.Opened, null, $"Opened ({trigger.Kind}, {trigger.Severity}) by {Describe(trigger)}; acknowledge by {due:O}.")
            .With((TimelineFacts.Kind, trigger.Kind.ToString()), (TimelineFacts.Severity, trigger.Severity.ToString()), (TimelineFacts.Rules, Rules(trigger)),
                (TimelineFacts.Due, TimelineFacts.Instant(due))));
        var events = ImmutableArray.CreateBuilder<CaseEvent>();
        var state = new CaseState
        {
            Id = trigger.Case,
            Child = trigger.Child,
            Municipality = trigger.Municipality,
            School = trigger.School,
            Kind = trigger.Kind,
            Severity = trigger.Severity,
            OpenedAt = now,
            AcknowledgementDueAt = due,
            Evidence = [ToEvidence(trigger, now)],
            Participants = proposal.Participants,
            ProposedLead = proposal.Lead,
            ProtectedIdentity = trigger.ProtectedIdentity,
        };
        events.Add(new CaseOpened(state.Id, state.Child, now, state.Kind, state.Severity, state.Municipality, state.School, due, [.. proposal.Participants.Select(p => p.Who)], proposal.Lead));
        if (proposal.SocialServicesExclusion is { } reason && context.School?.SocialServices is not null)
        {
            timeline.Add(new TimelineEntry(now, TimelineEntryKind.SocialServicesNotIncluded, null, reason)
                .With((TimelineFacts.Reason, reason == CaseParticipants.NoContactReason ? TimelineFacts.NoContact : TimelineFacts.NoBasis)));
            events.Add(new SocialServicesNotIncluded(state.Id, state.Child, now, reason));
        }

        state = state with { Timeline = timeline.ToImmutable() };
        var alerts = AlertParticipants(state, AlertKind.CaseOpened, context, new LocalizedText("Nytt samverkansärende", "New joint case"));
        return CaseWorkDecisions.Opened(
            new CaseDecision
            {
                NewState = state,
                Events = events.ToImmutable(),
                Alerts = alerts,
                Timers = [TimerInstruction.Set(TimerNames.AcknowledgementDeadline, due)],
            },
            trigger,
            context);
    }

    /// <summary>
    /// Adds a trigger's evidence to the open case of its kind (no duplicate cases). Raises the severity if
    /// the new evidence is more severe (an urgent one brings the deadline forward), and includes social
    /// services when the trigger brings a legal basis the case lacked. Refused with
    /// <see cref="CaseErrors.Closed"/> on a closed case.
    /// </summary>
    public static CaseDecision AddEvidence(CaseState state, CaseTrigger trigger, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(context);
        if (trigger.Case != state.Id)
        {
            return Refuse(state, CaseErrors.WrongCase, $"The trigger is for case {trigger.Case}, not {state.Id}.");
        }

        if (state.Evidence.Any(e => e.TriggerId == trigger.TriggerId))
        {
            return new CaseDecision { NewState = state, IsUnchanged = true };
        }

        if (state.IsClosed)
        {
            return Refuse(state, CaseErrors.Closed, "The case is closed; open a new case for the new evidence.");
        }

        var now = context.Now;
        var events = ImmutableArray.CreateBuilder<CaseEvent>();
        var timers = ImmutableArray.CreateBuilder<TimerInstruction>();
        var timeline = state.Timeline.ToBuilder();
        timeline.Add(new TimelineEntry(now, TimelineEntryKind.EvidenceAdded, null, $"Evidence added: {Describe(trigger)}.").With((TimelineFacts.Rules, Rules(trigger))));
        events.Add(new CaseEvidenceAdded(state.Id, state.Child, now, trigger.TriggerId, trigger.Severity));
        var next = state with { Evidence = state.Evidence.Add(ToEvidence(trigger, now)) };

        if (trigger.Severity > state.Severity)
        {
            var due = state.AcknowledgementDueAt;
            if (state.Status == CaseStatus.Open)
            {
                var sooner = AcknowledgementDeadline.Compute(now, trigger.Severity, state.Kind, context.Calendar, context.Policy);
                if (sooner < due)
                {
                    due = sooner;
                    timers.Add(TimerInstruction.Set(TimerNames.AcknowledgementDeadline, due));
                }
            }

            timeline.Add(new TimelineEntry(now, TimelineEntryKind.SeverityRaised, null, $"Severity raised from {state.Severity} to {trigger.Severity}.")
                .With((TimelineFacts.From, state.Severity.ToString()), (TimelineFacts.To, trigger.Severity.ToString())));
            events.Add(new CaseSeverityRaised(state.Id, state.Child, now, state.Severity, trigger.Severity, due));
            next = next with { Severity = trigger.Severity, AcknowledgementDueAt = due };
        }

        if (!trigger.SocialServicesBases.IsDefaultOrEmpty)
        {
            var proposal = CaseParticipants.Propose(trigger, context.School, now);
            foreach (var participant in proposal.Participants.Where(p => p.Agency == Agency.SocialServices && !next.Participants.Any(q => q.Who == p.Who)))
            {
                next = next with { Participants = next.Participants.Add(participant) };
                timeline.Add(new TimelineEntry(now, TimelineEntryKind.ParticipantAdded, null, $"{participant.Who} joined ({participant.Role}) on the basis {participant.Basis?.Kind}.")
                    .With((TimelineFacts.Staff, participant.Who.Staff?.Value), (TimelineFacts.Team, participant.Who.Team?.Value), (TimelineFacts.Role, participant.Role.ToString()),
                        (TimelineFacts.Basis, participant.Basis?.Kind.ToString())));
                events.Add(new CaseParticipantAdded(state.Id, state.Child, now, participant));
            }
        }

        next = next with { Timeline = timeline.ToImmutable() };
        return new CaseDecision
        {
            NewState = next,
            Events = events.ToImmutable(),
            Alerts = AlertParticipants(next, AlertKind.CaseEvidenceAdded, context, new LocalizedText("Nytt underlag i ärendet", "New evidence in the case")),
            Timers = timers.ToImmutable(),
        };
    }

    /// <summary>A participant acknowledges the case (open → acknowledged); late when after the deadline.</summary>
    public static CaseDecision Acknowledge(CaseState state, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);

        // Participants first: acknowledging again is a no-change only for them (to anyone else it is refused, as before).
        if (!state.IsParticipant(by))
        {
            return Refuse(state, CaseErrors.NotParticipant, "Only a participant can acknowledge the case.");
        }

        if (state.Status != CaseStatus.Open)
        {
            return state.Acknowledgement is not null && !state.IsClosed
                ? new CaseDecision { NewState = state, IsUnchanged = true }
                : Refuse(state, CaseErrors.TransitionNotAllowed, $"A case in status {state.Status} cannot be acknowledged.");
        }

        var now = context.Now;
        var late = now > state.AcknowledgementDueAt;
        var next = state with
        {
            Status = CaseStatus.Acknowledged,
            Acknowledgement = new CaseAcknowledgement(by.Staff, now, late),
            Timeline = state.Timeline.Add(new TimelineEntry(now, TimelineEntryKind.Acknowledged, by.Staff, late ? "Acknowledged after the deadline." : "Acknowledged.")
                .With((TimelineFacts.Late, late ? "true" : "false"))),
        };
        return new CaseDecision
        {
            NewState = next,
            Events =
            [
                new CaseAcknowledged(state.Id, state.Child, now, by.Staff, late),
                new CaseStatusChanged(state.Id, state.Child, now, CaseStatus.Open, CaseStatus.Acknowledged, by.Staff),
            ],
            Timers = [TimerInstruction.Cancel(TimerNames.AcknowledgementDeadline)],
        };
    }

    /// <summary>
    /// Moves the case to <paramref name="to"/> when <see cref="CaseStateMachine"/> allows it. Closing needs a
    /// <paramref name="reason"/> (and a <paramref name="note"/> for <see cref="CloseReason.Other"/>).
    /// </summary>
    public static CaseDecision Transition(CaseState state, CaseStatus to, ActingStaff by, CaseContext context, CloseReason? reason = null, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (to == CaseStatus.Acknowledged && state.Status == CaseStatus.Open)
        {
            return Acknowledge(state, by, context);
        }

        if (!CaseStateMachine.CanTransition(state.Status, to))
        {
            return Refuse(state, CaseErrors.TransitionNotAllowed, $"A case cannot go from {state.Status} to {to}.");
        }

        if (!state.IsParticipant(by))
        {
            return Refuse(state, CaseErrors.NotParticipant, "Only a participant can change the case's status.");
        }

        if (to == CaseStatus.Closed)
        {
            if (reason is null || (reason == CloseReason.Other && string.IsNullOrWhiteSpace(note)))
            {
                return Refuse(state, CaseErrors.ReasonRequired, "Closing a case needs a reason (and a note for 'Other').");
            }

            return Close(state, by, reason.Value, note, context, []);
        }

        var now = context.Now;
        var next = state with
        {
            Status = to,
            Timeline = state.Timeline.Add(new TimelineEntry(now, TimelineEntryKind.StatusChanged, by.Staff, $"{state.Status} → {to}.")
                .With((TimelineFacts.From, state.Status.ToString()), (TimelineFacts.To, to.ToString()))),
        };
        return new CaseDecision
        {
            NewState = next,
            Events = [new CaseStatusChanged(state.Id, state.Child, now, state.Status, to, by.Staff)],
        };
    }

    /// <summary>
    /// Records a decision not to act (who, for which agency, when, why) as the case's outcome and closes the
    /// case with <see cref="CloseReason.DecidedNotToAct"/>.
    /// </summary>
    public static CaseDecision RecordDecisionNotToAct(CaseState state, ActingStaff by, string reason, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (state.IsClosed)
        {
            return Refuse(state, CaseErrors.Closed, "The case is already closed.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Refuse(state, CaseErrors.ReasonRequired, "A decision not to act needs a reason.");
        }

        if (!state.IsParticipant(by))
        {
            return Refuse(state, CaseErrors.NotParticipant, "Only a participant can decide not to act.");
        }

        var now = context.Now;
        var decision = new DecisionNotToAct(by.Staff, by.Agency, now, reason);
        var recorded = state with
        {
            DecisionNotToAct = decision,
            Timeline = state.Timeline.Add(new TimelineEntry(now, TimelineEntryKind.DecisionNotToAct, by.Staff, $"Decided not to act ({by.Agency}): {reason}")
                .With((TimelineFacts.Agency, by.Agency.ToString()), (TimelineFacts.Note, reason))),
        };
        return Close(recorded, by, CloseReason.DecidedNotToAct, reason, context, [new DecisionNotToActRecorded(state.Id, state.Child, now, decision)]);
    }

    /// <summary>
    /// The acknowledgement timer fired: if the case is still unacknowledged and the deadline has passed, it
    /// is marked overdue once and escalated (participants and coordinators alerted). A deadline that moved
    /// re-sets the timer.
    /// </summary>
    public static CaseDecision AcknowledgementDeadlinePassed(CaseState state, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.Status != CaseStatus.Open || state.AcknowledgementOverdue)
        {
            return new CaseDecision { NewState = state, IsUnchanged = true };
        }

        var now = context.Now;
        if (now < state.AcknowledgementDueAt)
        {
            return new CaseDecision
            {
                NewState = state,
                IsUnchanged = true,
                Timers = [TimerInstruction.Set(TimerNames.AcknowledgementDeadline, state.AcknowledgementDueAt)],
            };
        }

        var next = state with
        {
            AcknowledgementOverdue = true,
            Timeline = state.Timeline.Add(new TimelineEntry(now, TimelineEntryKind.AcknowledgementOverdue, null, $"Not acknowledged by {state.AcknowledgementDueAt:O}; escalated.")
                .With((TimelineFacts.Due, TimelineFacts.Instant(state.AcknowledgementDueAt)))),
        };
        var alerts = AlertParticipants(next, AlertKind.CaseAcknowledgementOverdue, context, new LocalizedText("Ärendet är inte kvitterat i tid", "The case was not acknowledged in time"));
        if (context.CoordinatorTeam is { } coordinators && !alerts.Any(a => a.Recipient.Team == coordinators))
        {
            alerts = alerts.Add(Alert(next, AlertKind.CaseAcknowledgementOverdue, AlertRecipient.ToTeam(coordinators), now, new LocalizedText("Ärendet är inte kvitterat i tid", "The case was not acknowledged in time")));
        }

        return new CaseDecision
        {
            NewState = next,
            Events = [new CaseAcknowledgementOverdue(state.Id, state.Child, now, state.AcknowledgementDueAt)],
            Alerts = alerts,
        };
    }

    private static CaseDecision Close(CaseState state, ActingStaff by, CloseReason reason, string? note, CaseContext context, ImmutableArray<CaseEvent> before)
    {
        var now = context.Now;
        var next = state with
        {
            Status = CaseStatus.Closed,
            Closure = new CaseClosure(reason, note, by.Staff, now),
            Timeline = state.Timeline.Add(new TimelineEntry(now, TimelineEntryKind.Closed, by.Staff, note is null ? $"Closed: {reason}." : $"Closed: {reason}: {note}")
                .With((TimelineFacts.Reason, reason.ToString()), (TimelineFacts.Note, note))),
        };
        return new CaseDecision
        {
            NewState = next,
            Events =
            [
                .. before,
                new CaseStatusChanged(state.Id, state.Child, now, state.Status, CaseStatus.Closed, by.Staff),
                new CaseClosed(state.Id, state.Child, now, reason, by.Staff),
            ],
            Timers = state.Status == CaseStatus.Open ? [TimerInstruction.Cancel(TimerNames.AcknowledgementDeadline)] : [],
        };
    }

    private static ImmutableArray<AlertRequest> AlertParticipants(CaseState state, AlertKind kind, CaseContext context, LocalizedText text)
    {
        var alerts = state.Participants
            .Select(p => p.Who.Team is { } team ? AlertRecipient.ToTeam(team) : AlertRecipient.ToStaff(p.Who.Staff!.Value))
            .Distinct()
            .Select(r => Alert(state, kind, r, context.Now, text))
            .ToImmutableArray();
        if (alerts.IsEmpty && context.CoordinatorTeam is { } coordinators)
        {
            alerts = [Alert(state, kind, AlertRecipient.ToTeam(coordinators), context.Now, text)];
        }

        return alerts;
    }

    private static AlertRequest Alert(CaseState state, AlertKind kind, AlertRecipient recipient, DateTimeOffset now, LocalizedText text) => new()
    {
        Kind = kind,
        Recipient = recipient,
        Severity = state.Severity,
        Child = state.Child,
        Case = state.Id,
        RaisedAt = now,
        Text = text,
    };

    private static CaseEvidence ToEvidence(CaseTrigger trigger, DateTimeOffset now) => new()
    {
        TriggerId = trigger.TriggerId,
        AddedAt = now,
        Severity = trigger.Severity,
        Firings = trigger.Firings,
        Concern = trigger.Concern,
    };

    private static string? Rules(CaseTrigger trigger) =>
        trigger.Firings.IsDefaultOrEmpty ? null : string.Join(",", trigger.Firings.Select(f => f.Rule.Value));

    private static string Describe(CaseTrigger trigger) =>
        trigger.Firings.IsDefaultOrEmpty
            ? $"trigger {trigger.TriggerId}"
            : string.Join(", ", trigger.Firings.Select(f => f.Rule.Value));

    private static CaseDecision Refuse(CaseState state, string code, string message) =>
        new() { NewState = state, Error = new DecisionError(code, message) };
}
