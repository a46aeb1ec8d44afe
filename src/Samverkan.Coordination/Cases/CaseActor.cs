using System.Collections.Immutable;
using System.Text.Json;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination.Children;
using Samverkan.Coordination.Organisation;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Coordination.Retention;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Retention;

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
    private readonly CaseWorkPolicy _work;

    public CaseActor(ReferenceData reference, CaseWorkPolicy work)
        : base(CoordinationActors.Case, CaseState.CurrentSchemaVersion)
    {
        _reference = reference;
        _work = work;
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

        // Case work (issue 8): the decisions are in CaseWorkDecisions; the actor resolves the staff they name.
        OnAsk<AssignCaseLead, CommandResult>((m, c) => WithCase(c, state =>
            _reference.Staff(m.To ?? m.By.Staff) is { } to
                ? CaseWorkDecisions.AssignLead(state, to, m.By, ContextFor(c, state))
                : StaffNotFound(state)));
        OnAsk<AddCasePlanAction, CommandResult>((m, c) => WithCase(c, state =>
            m.Action.Owner is { } owner && _reference.Staff(owner) is null
                ? StaffNotFound(state)
                : CaseWorkDecisions.AddPlanAction(state, m.Action, m.Action.Owner is { } o ? _reference.Staff(o) : null, m.By, ContextFor(c, state))));
        OnAsk<UpdateCasePlanAction, CommandResult>((m, c) =>
            WithCase(c, state => CaseWorkDecisions.UpdatePlanAction(state, m.ActionId, m.Update, m.By, ContextFor(c, state))));
        OnAsk<ScheduleCaseMeeting, CommandResult>((m, c) =>
            WithCase(c, state => CaseWorkDecisions.ScheduleMeeting(state, m.At, m.Purpose, m.By, ContextFor(c, state))));
        OnAsk<RecordCaseMeetingHeld, CommandResult>((m, c) =>
            WithCase(c, state => CaseWorkDecisions.RecordMeetingHeld(state, m.MeetingId, m.Record, m.By, ContextFor(c, state))));
        OnAsk<HandOverCaseRoles, CommandResult>((m, c) => WithCase(c, state =>
            _reference.Staff(m.From) is { } from && _reference.Staff(m.To) is { } to
                ? CaseWorkDecisions.Handover(state, from, to, m.By, ContextFor(c, state))
                : StaffNotFound(state)));
        OnAsk<RecordCasePlacementFollowUp, CommandResult>((m, c) =>
            WithCase(c, state => CaseWorkDecisions.RecordPlacementFollowUp(state, m.Notes, m.By, ContextFor(c, state))));
        On<CaseStaffDeactivated>((m, c) =>
        {
            if (c.State.Case is { } state)
            {
                Apply(c, CaseWorkDecisions.StaffDeactivated(state, m.Staff, m.Manager, ContextFor(c, state)));
            }
        });
        On<CaseChildChangedSchool>((m, c) =>
        {
            if (c.State.Case is { } state && _reference.School(m.School) is { } school)
            {
                Apply(c, CaseWorkDecisions.ChildChangedSchool(state, school, m.ConsentAllows, ContextFor(c, state)));
            }
        });
        On<CaseWorkTimerDue>((m, c) =>
        {
            if (c.State.Case is { } state)
            {
                Apply(c, CaseWorkDecisions.TimerDue(state, m.Name, ContextFor(c, state)));
            }
        });
        OnAsk<CullCase, bool>((m, c) =>
        {
            if (!RetentionRules.IsCaseDue(c.State.Case, m.ClosedBefore))
            {
                return false;
            }

            c.Project(new CaseCulledRow(c.State.Case!.Id.Value));
            c.DeleteState();
            return true;
        });
        On<RecordAlertEscalated>((m, c) =>
        {
            if (c.State.Case is { } state)
            {
                Apply(c, CaseAlertTimeline.RecordEscalation(state, m.NotAcknowledgedBy, m.EscalatedTo, c.Now));
            }
        });
    }

    protected override CaseActorState CreateInitialState(string key) => new(Case: null);

    /// <summary>Version 1 had no case-work properties; they read as their empty defaults.</summary>
    protected override CaseActorState UpgradeState(int fromVersion, JsonElement state)
    {
        if (fromVersion != 1)
        {
            return base.UpgradeState(fromVersion, state);
        }

        var upgraded = state.Deserialize<CaseActorState>(CoordinationJson.Options)!;
        return upgraded.Case is null ? upgraded : new CaseActorState(upgraded.Case with { SchemaVersion = CaseState.CurrentSchemaVersion });
    }

    private static CaseDecision StaffNotFound(CaseState state) =>
        new() { NewState = state, Error = new DecisionError(CaseWorkErrors.StaffNotFound, "No such staff member in the roster.") };

    private CaseContext ContextFor(IActorContext<CaseActorState> context, CaseState state) =>
        ContextFor(context, state.School, state.Municipality) with
        {
            TeamMembers = state.Participants
                .Select(p => p.Who.Team)
                .OfType<Domain.Organisation.TeamId>()
                .Distinct()
                .Select(t => (Team: t, Members: _reference.Team(t)?.Members.Select(m => m.Staff).ToImmutableHashSet()))
                .Where(t => t.Members is not null)
                .ToImmutableDictionary(t => t.Team, t => t.Members!),
        };

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
            Work = _work,
        };
    }

    private CommandResult WithCase(IActorContext<CaseActorState> context, Func<CaseState, CaseDecision> decide)
    {
        if (context.State.Case is not { } state)
        {
            return CommandResult.Refused("CaseNotFound", "There is no such case.");
        }

        return Apply(context, decide(state));
    }

    private CommandResult Apply(IActorContext<CaseActorState> context, CaseDecision decision)
    {
        if (decision.Error is { } error)
        {
            return CommandResult.Refused(error);
        }

        if (decision.IsUnchanged || decision.NewState is null)
        {
            // An unchanged decision may still move a deadline (a timer that fired early re-sets itself).
            Effects.ApplyTimers(context, decision.Timers, TimerMessage);
            return CommandResult.Done with { Id = decision.CreatedId ?? context.State.Case?.Id.Value };
        }

        var before = context.State.Case;
        var after = decision.NewState;
        context.State = new CaseActorState(after);
        Effects.RouteAlerts(context, decision.Alerts, _reference);
        Effects.ApplyTimers(context, decision.Timers, TimerMessage);
        context.Project(new CaseRow(after));
        context.Project(new CaseWorkRow(after));
        TrackRoles(context, before, after);
        if (before is null || before.Status != after.Status)
        {
            context.Send(CoordinationActors.ChildOf(after.Child), new CaseStatusChanged(after.Id, after.Kind, after.Status));
        }

        context.Publish(
            CoordinationTopics.Cases + (after.Municipality?.Value ?? "unknown"),
            new CaseChangedSignal(after.Id.Value, after.Status.ToString(), after.School?.Value));
        return CommandResult.Done with { Id = decision.CreatedId ?? after.Id.Value };
    }

    private static object TimerMessage(string name) => name switch
    {
        TimerNames.AcknowledgementDeadline => new AcknowledgementDeadlineDue(),
        _ when CaseWorkTimers.IsCaseWork(name) => new CaseWorkTimerDue(name),
        _ => throw new InvalidOperationException($"The case actor has no timer named '{name}'."),
    };

    /// <summary>Tells the staff actors which staff gained or lost their last role on this case (so a deactivation reaches it).</summary>
    private static void TrackRoles(IActorContext<CaseActorState> context, CaseState? before, CaseState after)
    {
        var had = CaseWorkDecisions.StaffWithRoles(before);
        var has = CaseWorkDecisions.StaffWithRoles(after);
        var holder = CoordinationActors.Case + "/" + after.Id.Value;
        foreach (var staff in has.Except(had))
        {
            context.Send(CoordinationActors.StaffOf(staff), new TrackStaffRole(holder, Held: true));
        }

        foreach (var staff in had.Except(has))
        {
            context.Send(CoordinationActors.StaffOf(staff), new TrackStaffRole(holder, Held: false));
        }
    }
}

/// <summary>The payload of a <c>cases/…</c> signal: ids and status only.</summary>
public sealed record CaseChangedSignal(string CaseId, string Status, string? School);
