using Samverkan.Actors;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination.Cases;

/// <summary>The state of a case actor: nothing until a trigger opens the case.</summary>
public sealed record CaseActorState(CaseState? Case);

/// <summary>
/// A joint case across agencies: opened by a child's trigger (further triggers of its kind add evidence, never a
/// duplicate case), acknowledged by a participant before its deadline (a durable timer), moved through its lifecycle.
/// </summary>
public sealed class CaseActor : Actor<CaseActorState>
{
    private readonly ReferenceData _reference;

    public CaseActor(ReferenceData reference)
        : base(CoordinationActors.Case, CaseState.CurrentSchemaVersion)
    {
        _reference = reference;
        On<ApplyCaseTrigger>((m, c) =>
        {
            var current = c.State.Case;
            var context = ContextFor(c, m.Trigger.School, m.Trigger.Municipality);
            var decision = current is null || m.Trigger.Action == CaseTriggerAction.OpenCase
                ? CaseDecisions.Open(current, m.Trigger, context)
                : CaseDecisions.AddEvidence(current, m.Trigger, context);
            if (decision.Error is { Code: CaseErrors.Closed })
            {
                // The case is closed: the child opens a new one for this signal.
                c.Send(CoordinationActors.ChildOf(m.Trigger.Child), new CaseTriggerRefused(m.Trigger));
                return;
            }

            Apply(c, decision);
        });
        OnAsk<AcknowledgeCase, CommandResult>((m, c) => WithCase(c, state => CaseDecisions.Acknowledge(state, m.By, ContextFor(c, state))));
        OnAsk<TransitionCase, CommandResult>((m, c) =>
            WithCase(c, state => CaseDecisions.Transition(state, m.To, m.By, ContextFor(c, state), m.Reason, m.Note)));
        OnAsk<RecordCaseDecisionNotToAct, CommandResult>((m, c) =>
            WithCase(c, state => CaseDecisions.RecordDecisionNotToAct(state, m.By, m.Reason, ContextFor(c, state))));
        On<AcknowledgementDeadlineDue>((_, c) =>
        {
            if (c.State.Case is { } state)
            {
                Apply(c, CaseDecisions.AcknowledgementDeadlinePassed(state, ContextFor(c, state)));
            }
        });
        OnAsk<GetCase, CaseState?>((_, c) => c.State.Case);
        On<RecordAlertEscalated>((m, c) =>
        {
            if (c.State.Case is { } state)
            {
                Apply(c, CaseAlertTimeline.RecordEscalation(state, m.NotAcknowledgedBy, m.EscalatedTo, c.Now));
            }
        });
    }

    protected override CaseActorState CreateInitialState(string key) => new(Case: null);

    private CaseContext ContextFor(IActorContext<CaseActorState> context, CaseState state) =>
        ContextFor(context, state.School, state.Municipality);

    private CaseContext ContextFor(IActorContext<CaseActorState> context, Domain.Organisation.SchoolId? schoolId, Domain.Organisation.MunicipalityCode? municipalityCode)
    {
        var school = schoolId is { } id ? _reference.School(id) : null;
        var municipality = school?.Municipality ?? municipalityCode;
        return new CaseContext
        {
            Now = context.Now,
            Calendar = municipality is { } code ? _reference.Calendar(code) : null,
            School = school,
            CoordinatorTeam = municipality is { } m ? _reference.Municipality(m)?.CoordinatorTeam : null,
        };
    }

    private static CommandResult WithCase(IActorContext<CaseActorState> context, Func<CaseState, CaseDecision> decide)
    {
        if (context.State.Case is not { } state)
        {
            return CommandResult.Refused("CaseNotFound", "There is no such case.");
        }

        return Apply(context, decide(state));
    }

    private static CommandResult Apply(IActorContext<CaseActorState> context, CaseDecision decision)
    {
        if (decision.Error is { } error)
        {
            return CommandResult.Refused(error);
        }

        if (decision.IsUnchanged || decision.NewState is null)
        {
            return CommandResult.Done with { Id = context.State.Case?.Id.Value };
        }

        var before = context.State.Case;
        var after = decision.NewState;
        context.State = new CaseActorState(after);
        Effects.RouteAlerts(context, decision.Alerts);
        Effects.ApplyTimers(context, decision.Timers, name => name switch
        {
            TimerNames.AcknowledgementDeadline => new AcknowledgementDeadlineDue(),
            _ => throw new InvalidOperationException($"The case actor has no timer named '{name}'."),
        });
        context.Project(new CaseRow(after));
        if (before is null || before.Status != after.Status)
        {
            context.Send(CoordinationActors.ChildOf(after.Child), new CaseStatusChanged(after.Id, after.Kind, after.Status));
        }

        context.Publish(
            CoordinationTopics.Cases + (after.Municipality?.Value ?? "unknown"),
            new CaseChangedSignal(after.Id.Value, after.Status.ToString(), after.School?.Value));
        return CommandResult.Done with { Id = after.Id.Value };
    }
}

/// <summary>The payload of a <c>cases/…</c> signal: ids and status only.</summary>
public sealed record CaseChangedSignal(string CaseId, string Status, string? School);
