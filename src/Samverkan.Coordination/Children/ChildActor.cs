using System.Collections.Immutable;
using System.Text.Json;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Coordination.Cases;
using Samverkan.Coordination.Organisation;
using Samverkan.Coordination.Projections;
using Samverkan.Coordination.Reference;
using Samverkan.Coordination.Retention;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Retention;
using Samverkan.Domain.Rules;

namespace Samverkan.Coordination.Children;

/// <summary>
/// A child's live coordination state: absence, concerns, watch, consents, open cases. Thin: it builds the
/// decision's context from reference data, calls a pure decision, and applies what it decided.
/// </summary>
public sealed class ChildActor : Actor<ChildState>
{
    private readonly ReferenceData _reference;
    private readonly CaseWorkPolicy _work;

    public ChildActor(ReferenceData reference, CaseWorkPolicy work)
        : base(CoordinationActors.Child, ChildState.CurrentSchemaVersion)
    {
        _reference = reference;
        _work = work;
        On<RegisterAbsences>((m, c) => Apply(c, ChildDecisions.RegisterAbsence(c.State, m.Registrations, ContextFor(c))));
        OnAsk<UpsertChild, CommandResult>((m, c) =>
        {
            var profile = m.WrittenBy is { } by ? Child.WrittenBy(c.State.Profile, m.Profile, by, id => _reference.School(id)?.Municipality) : m.Profile;
            var updated = ChildDecisions.UpdateProfile(c.State, profile, ContextFor(c, profile.HomeMunicipality));

            // The case work after the update (a placement's follow-up case) is decided with the new profile's school.
            return Apply(c, ChildCaseWork.AfterProfileUpdated(c.State, updated, ContextFor(c, profile.HomeMunicipality, updated.NewState)));
        });
        OnAsk<ReportConcern, CommandResult>((m, c) =>
        {
            var context = ContextFor(c, m.Municipality);
            return Apply(c, ChildCaseWork.AfterConcernReported(ChildDecisions.ReportConcern(c.State, m.Report, context), m.Report.Id, context)) with { Id = m.Report.Id.Value };
        });
        OnAsk<RecordReporterFeedback, CommandResult>((m, c) => Apply(c, ChildCaseWork.RecordFeedback(c.State, m.Concern, m.By, m.Agency, ContextFor(c))));
        On<NamedPersonDeactivated>((m, c) => Apply(c, ChildCaseWork.NamedPersonDeactivated(c.State, m.Staff, m.Manager, ContextFor(c))));
        OnAsk<StartSip, CommandResult>((m, c) =>
        {
            // The consent is recorded with the start (the same consent again changes nothing), then the SIP is decided on it.
            var context = ContextFor(c);
            var recorded = ChildDecisions.RecordConsent(c.State, m.Consent, context);
            if (recorded.IsRefused)
            {
                return Apply(c, recorded);
            }

            var staff = m.Participants.Select(_reference.Staff).ToList();
            if (staff.Any(s => s is null))
            {
                return CommandResult.Refused("StaffNotFound", "A participant is not in the roster.");
            }

            var started = ChildCaseWork.StartSip(recorded.NewState, m.Consent.Id, staff!, m.By, context);
            if (started.IsRefused)
            {
                return CommandResult.Refused(started.Error!);
            }

            Apply(c, recorded);
            return Apply(c, started) with { Id = started.CaseTriggers[0].Case.Value };
        });
        On<ChildWorkTimerDue>((m, c) => Apply(c, ChildCaseWork.FeedbackTimerDue(c.State, m.Name, ContextFor(c))));
        OnAsk<RecordConcernOutcome, CommandResult>((m, c) => Apply(c, ChildDecisions.RecordConcernOutcome(c.State, m.Concern, m.Outcome, ContextFor(c))));
        OnAsk<RecordConsent, CommandResult>((m, c) => Apply(c, ChildDecisions.RecordConsent(c.State, m.Consent, ContextFor(c))));
        OnAsk<WithdrawConsent, CommandResult>((m, c) => Apply(c, ChildDecisions.WithdrawConsent(c.State, m.Consent, ContextFor(c))));
        OnAsk<RecordDecisionNotToShare, CommandResult>((m, c) =>
            Apply(c, ChildDecisions.RecordDecisionNotToShare(c.State, m.Decision, ContextFor(c))) with { Id = m.Decision.Id });
        OnAsk<CullConcerns, int>((m, c) =>
        {
            var decision = RetentionRules.CullConcerns(c.State, m.WatchEndedBefore, c.Now);
            if (decision.Events.OfType<ConcernsCulled>().FirstOrDefault() is not { } culled)
            {
                return 0;
            }

            Apply(c, decision);
            c.Project(new ConcernsCulledRow([.. culled.Concerns.Select(id => id.Value)]));
            return culled.Concerns.Length;
        });
        OnAsk<GetChildSharing, ChildSharing?>((_, c) => c.Exists ? new ChildSharing(c.State.Consents, c.State.DecisionsNotToShare) : null);
        On<CaseStatusChanged>((m, c) => Apply(c, ChildDecisions.RecordCaseStatus(c.State, m.Case, m.Kind, m.Status)));
        On<CaseTriggerRefused>((m, c) => Apply(c, ChildDecisions.RerouteTrigger(c.State, m.Trigger, ContextFor(c))));
        On<WatchExpiryDue>((_, c) => Apply(c, ChildDecisions.ExpireWatch(c.State, ContextFor(c))));
        OnAsk<GetChildOverview, ChildOverview?>((m, c) =>
        {
            if (!c.Exists)
            {
                return null;
            }

            var context = ContextFor(c);
            return ChildOverviewProjection.Project(c.State, c.Now, m.Options, context.Calendar, context.Rules);
        });
    }

    protected override ChildState CreateInitialState(string key) => ChildState.New(new PseudonymousKey(key));

    /// <summary>Version 1 had no named-person vacancy or reporter feedback; they read as their empty defaults.</summary>
    protected override ChildState UpgradeState(int fromVersion, JsonElement state) =>
        fromVersion == 1
            ? state.Deserialize<ChildState>(CoordinationJson.Options)! with { SchemaVersion = ChildState.CurrentSchemaVersion }
            : base.UpgradeState(fromVersion, state);

    private ChildContext ContextFor(IActorContext<ChildState> context, MunicipalityCode? hint = null, ChildState? current = null)
    {
        var state = current ?? context.State;
        var today = SwedishTime.DateOf(context.Now);
        var schoolId = state.Profile?.EnrolmentAt(today)?.School ?? state.Profile?.Enrolments.OrderBy(e => e.From).LastOrDefault()?.School;
        var school = schoolId is { } id ? _reference.School(id) : null;
        var municipality = school?.Municipality ?? state.Profile?.HomeMunicipality ?? hint ?? UnknownMunicipality;
        var municipalityState = _reference.Municipality(municipality);
        return new ChildContext
        {
            Now = context.Now,
            Rules = RuleSets.Merge(_reference.Rules(municipality), school?.RuleOverrides),
            Calendar = _reference.Calendar(municipality),
            School = school,
            CoordinatorTeam = municipalityState?.CoordinatorTeam,
            Work = _work,
        };
    }

    private static readonly MunicipalityCode UnknownMunicipality = new("0000");

    private CommandResult Apply(IActorContext<ChildState> context, ChildDecision decision)
    {
        if (decision.Error is { } error)
        {
            return CommandResult.Refused(error);
        }

        var before = context.State;
        var after = decision.NewState;
        if (!ReferenceEquals(before, after))
        {
            context.State = after;
        }

        foreach (var trigger in decision.CaseTriggers)
        {
            context.Send(CoordinationActors.CaseOf(trigger.Case), new ApplyCaseTrigger(trigger));
        }

        foreach (var change in decision.SchoolChanges)
        {
            context.Send(CoordinationActors.CaseOf(change.Case), new CaseChildChangedSchool(change.School, change.ConsentAllows));
        }

        Effects.RouteAlerts(context, decision.Alerts, _reference);
        Effects.ApplyTimers(context, decision.Timers, name => name switch
        {
            TimerNames.WatchExpiry => new WatchExpiryDue(),
            _ when name.StartsWith(ChildCaseWork.FeedbackTimerPrefix, StringComparison.Ordinal) => new ChildWorkTimerDue(name),
            _ => throw new InvalidOperationException($"The child actor has no timer named '{name}'."),
        });

        if (!ReferenceEquals(before, after))
        {
            Project(context, after, decision.Events, context.Now);
            ProjectCaseWork(context, before, after);
        }

        return CommandResult.Done;
    }

    /// <summary>The reporters' feedback read model, and the named person's entry in the staff actors' role registers.</summary>
    private static void ProjectCaseWork(IActorContext<ChildState> context, ChildState before, ChildState after)
    {
        if (before.ReporterFeedback != after.ReporterFeedback)
        {
            var profile = after.Profile;
            foreach (var feedback in after.ReporterFeedback.Except(before.ReporterFeedback))
            {
                context.Project(new ReporterFeedbackRow(after.Key.Value, profile?.HomeMunicipality.Value, feedback));
            }
        }

        var was = before.Profile?.NamedPerson?.Staff;
        var now = after.Profile?.NamedPerson?.Staff;
        if (was != now)
        {
            var holder = CoordinationActors.Child + "/" + after.Key.Value;
            if (was is { } old)
            {
                context.Send(CoordinationActors.StaffOf(old), new TrackStaffRole(holder, Held: false));
            }

            if (now is { } current)
            {
                context.Send(CoordinationActors.StaffOf(current), new TrackStaffRole(holder, Held: true));
            }
        }
    }

    private static void Project(IActorContext<ChildState> context, ChildState state, ImmutableArray<ChildEvent> events, DateTimeOffset now)
    {
        var profile = state.Profile;
        var today = SwedishTime.DateOf(now);
        var enrolment = profile?.EnrolmentAt(today) ?? profile?.Enrolments.OrderBy(e => e.From).LastOrDefault();
        var watch = state.Watch is { } w && w.IsActiveAt(now) ? w : null;
        context.Project(new ChildRow(
            state.Key.Value,
            profile?.HomeMunicipality.Value,
            enrolment?.School.Value,
            profile?.NamedPerson?.Staff.Value,
            profile?.ProtectedIdentity ?? false,
            profile?.PlacedInCare is not null,
            watch?.EndsAt,
            watch?.Owner?.Value,
            state.OpenCases.Length));

        if (events.Any(e => e is ChildProfileUpdated) && profile is not null)
        {
            context.Project(new EnrolmentsRow(state.Key.Value, profile.Enrolments));
        }

        if (events.Any(e => e is ConcernReported or ConcernOutcomeRecorded))
        {
            foreach (var concern in state.Concerns)
            {
                context.Project(new ConcernRow(
                    concern.Id.Value,
                    state.Key.Value,
                    profile?.HomeMunicipality.Value,
                    enrolment?.School.Value,
                    concern.Category.ToString(),
                    concern.Date,
                    concern.ReportingOrganisation.Value,
                    concern.ReportingAgency.ToString(),
                    concern.Outcome?.Decision.ToString(),
                    concern.Outcome?.DecidedAt));
            }
        }
    }
}
