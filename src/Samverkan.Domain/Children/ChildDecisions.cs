using System.Collections.Immutable;
using Samverkan.Domain.Absence;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Children.Events;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Rules;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Children;

/// <summary>
/// The decisions of a child actor. Pure: each takes the state, a command and the context and returns a
/// <see cref="ChildDecision"/>. Rules are evaluated after every change that can move them; firings become
/// case triggers routed to the child's open case of the same kind, or to a new case.
/// </summary>
public static class ChildDecisions
{
    /// <summary>
    /// Applies a batch of absence registrations for this child: each is validated, checked against the
    /// child's enrolment, and merged into the rolling record (a newer version of the same source id
    /// replaces the older, in any order of arrival). Then the rules are evaluated.
    /// </summary>
    public static ChildDecision RegisterAbsence(ChildState state, IReadOnlyList<AbsenceRegistration> registrations, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(context);
        var outcomes = new RegistrationOutcome[registrations.Count];
        var accepted = new List<(int Index, AbsenceRegistration Registration)>();
        for (var i = 0; i < registrations.Count; i++)
        {
            var registration = registrations[i];
            FieldError? error = null;
            if (registration.Pupil != state.Key)
            {
                error = new FieldError("pupil", ChildErrors.WrongChild, "The registration is for another pupil.");
            }
            else if (state.Profile is null || !state.Profile.IsEnrolledAt(registration.School, registration.Date))
            {
                error = new FieldError("school", ChildErrors.NotEnrolled, $"The pupil is not enrolled at {registration.School} on {registration.Date:yyyy-MM-dd}.");
            }

            if (error is not null)
            {
                outcomes[i] = new RegistrationOutcome(i, registration.Source, registration.SourceId, RegistrationOutcomeKind.Rejected) { Errors = [error] };
            }
            else
            {
                accepted.Add((i, registration));
            }
        }

        var applied = state.Absence.Apply([.. accepted.Select(a => a.Registration)], context.Policies.Absence, context.Now);
        foreach (var outcome in applied.Outcomes)
        {
            var index = accepted[outcome.Index].Index;
            outcomes[index] = outcome with { Index = index };
        }

        var events = ImmutableArray.CreateBuilder<ChildEvent>();
        var counts = outcomes.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        var changedDates = applied.Outcomes
            .Where(o => o.Kind is RegistrationOutcomeKind.Added or RegistrationOutcomeKind.Replaced)
            .Select(o => accepted[o.Index].Registration.Date)
            .ToList();
        if (registrations.Count > 0)
        {
            events.Add(new AbsenceRecorded(
                state.Key,
                context.Now,
                counts.GetValueOrDefault(RegistrationOutcomeKind.Added),
                counts.GetValueOrDefault(RegistrationOutcomeKind.Replaced),
                counts.GetValueOrDefault(RegistrationOutcomeKind.Unchanged),
                counts.GetValueOrDefault(RegistrationOutcomeKind.Superseded),
                counts.GetValueOrDefault(RegistrationOutcomeKind.Rejected),
                changedDates.Count == 0 ? null : new DateRange(changedDates.Min(), changedDates.Max())));
        }

        var next = state with { Absence = applied.Record };
        return Evaluated(next, context, null, events, [], []) with { Registrations = [.. outcomes] };
    }

    /// <summary>
    /// Records a report of concern (the reporter's identity apart from it). The child may be new to the
    /// system. Then the rules are evaluated: a second concern within 12 months fires, and any new concern
    /// while the child is under watch raises a watch signal with social services. The school's
    /// social-services contact persons are alerted. A replay of the same concern id changes nothing.
    /// </summary>
    public static ChildDecision ReportConcern(ChildState state, ConcernReport report, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(context);
        var errors = report.Validate(context.Now);
        if (!errors.IsEmpty)
        {
            return Refuse(state, ChildErrors.Invalid, "The report of concern is invalid.", errors);
        }

        if (state.Concerns.Any(c => c.Id == report.Id))
        {
            return new ChildDecision { NewState = state };
        }

        var concern = report.ToConcern(context.Now);
        var next = state with
        {
            Concerns = state.Concerns.Add(concern),
            ConcernReporters = state.ConcernReporters.Add(new ConcernReporter(concern.Id, report.Reporter)),
        };
        ChildEvent[] events = [new ConcernReported(state.Key, context.Now, concern.Id, concern.Category, concern.Date, concern.ReportingAgency, concern.Urgent)];
        var alerts = SocialServicesRecipients(context)
            .Select(r => new AlertRequest
            {
                Kind = AlertKind.ConcernRegistered,
                Recipient = r,
                Severity = concern.Urgent ? Severity.Urgent : Severity.Normal,
                Child = state.Key,
                RaisedAt = context.Now,
                Text = new LocalizedText("Orosanmälan registrerad", "Report of concern registered"),
            })
            .ToImmutableArray();
        return Evaluated(next, context, concern, events.ToImmutableArray().ToBuilder(), alerts, []);
    }

    /// <summary>
    /// Records social services' outcome of a concern. "Not opened" puts the child under watch for
    /// <see cref="ChildPolicies.WatchMonths"/> from the decision (or extends an active watch), owned by the
    /// school's primary social-services contact, with an expiry timer. A repeated identical outcome changes
    /// nothing; a different one is refused.
    /// </summary>
    public static ChildDecision RecordConcernOutcome(ChildState state, ConcernId concernId, ConcernOutcome outcome, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(context);
        var concern = state.Concerns.FirstOrDefault(c => c.Id == concernId);
        if (concern is null)
        {
            return Refuse(state, ChildErrors.ConcernNotFound, $"No concern {concernId} is recorded for the child.");
        }

        if (outcome.DecidedAt > context.Now + AbsenceValidation.ClockSkewTolerance)
        {
            return Refuse(state, ChildErrors.Invalid, "The decision time is in the future.", [new FieldError("decidedAt", "InFuture", "The decision time is in the future.")]);
        }

        if (concern.Outcome is not null)
        {
            return concern.Outcome == outcome
                ? new ChildDecision { NewState = state }
                : Refuse(state, ChildErrors.OutcomeAlreadyRecorded, "An outcome is already recorded for this concern.");
        }

        var next = state with { Concerns = state.Concerns.Replace(concern, concern with { Outcome = outcome }) };
        var events = ImmutableArray.CreateBuilder<ChildEvent>();
        events.Add(new ConcernOutcomeRecorded(state.Key, context.Now, concernId, outcome.Decision, outcome.DecidedAt, outcome.DecidedBy));
        var alerts = ImmutableArray.CreateBuilder<AlertRequest>();
        var timers = ImmutableArray.CreateBuilder<TimerInstruction>();
        if (outcome.Decision == InvestigationDecision.NotOpened)
        {
            var endsAt = AddMonthsLocal(outcome.DecidedAt, context.Policies.WatchMonths);
            var owner = context.School?.SocialServices?.PrimaryContact;
            if (endsAt > context.Now)
            {
                var current = state.Watch is { } w && w.IsActiveAt(context.Now) ? w : null;
                Watch watch;
                if (current is not null)
                {
                    watch = current with { Concern = concernId, Owner = owner ?? current.Owner, EndsAt = endsAt > current.EndsAt ? endsAt : current.EndsAt };
                    events.Add(new WatchExtended(state.Key, context.Now, concernId, watch.Owner, watch.EndsAt));
                }
                else
                {
                    watch = new Watch { Concern = concernId, Owner = owner, StartedAt = outcome.DecidedAt, EndsAt = endsAt };
                    events.Add(new WatchStarted(state.Key, context.Now, concernId, owner, endsAt));
                }

                next = next with { Watch = watch };
                timers.Add(TimerInstruction.Set(TimerNames.WatchExpiry, watch.EndsAt));
                alerts.AddRange(WatchAlerts(state, watch, current is null ? AlertKind.WatchStarted : AlertKind.WatchExtended, context));
            }
        }

        return new ChildDecision { NewState = next, Events = events.ToImmutable(), Alerts = alerts.ToImmutable(), Timers = timers.ToImmutable() };
    }

    /// <summary>
    /// The watch-expiry timer fired: an active watch past its end becomes expired (the owner is told). If
    /// the watch was extended meanwhile, the timer is set again.
    /// </summary>
    public static ChildDecision ExpireWatch(ChildState state, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.Watch is not { Status: WatchStatus.Active } watch)
        {
            return new ChildDecision { NewState = state };
        }

        if (context.Now < watch.EndsAt)
        {
            return new ChildDecision { NewState = state, Timers = [TimerInstruction.Set(TimerNames.WatchExpiry, watch.EndsAt)] };
        }

        var expired = watch with { Status = WatchStatus.Expired, ExpiredAt = context.Now };
        return new ChildDecision
        {
            NewState = state with { Watch = expired },
            Events = [new WatchExpired(state.Key, context.Now, watch.Concern)],
            Alerts = WatchAlerts(state, expired, AlertKind.WatchExpired, context),
        };
    }

    /// <summary>Replaces the child's roster data (enrolments, named person, guardians, flags).</summary>
    public static ChildDecision UpdateProfile(ChildState state, Child profile, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(context);
        if (profile.Key != state.Key)
        {
            return Refuse(state, ChildErrors.WrongChild, "The profile is for another child.");
        }

        if (profile.SameAs(state.Profile))
        {
            return new ChildDecision { NewState = state };
        }

        return new ChildDecision
        {
            NewState = state with { Profile = profile },
            Events = [new ChildProfileUpdated(state.Key, context.Now)],
        };
    }

    /// <summary>Records a consent. Recording the same consent again changes nothing; another consent with the same id is refused.</summary>
    public static ChildDecision RecordConsent(ChildState state, Consent consent, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(consent);
        ArgumentNullException.ThrowIfNull(context);
        var errors = consent.Validate();
        if (!errors.IsEmpty)
        {
            return Refuse(state, ChildErrors.Invalid, "The consent is invalid.", errors);
        }

        if (state.Consents.FirstOrDefault(c => c.Id == consent.Id) is { } existing)
        {
            return SameConsent(existing, consent)
                ? new ChildDecision { NewState = state }
                : Refuse(state, ChildErrors.ConsentExists, $"Another consent with id {consent.Id} is recorded.");
        }

        return new ChildDecision
        {
            NewState = state with { Consents = state.Consents.Add(consent) },
            Events = [new ConsentRecorded(state.Key, context.Now, consent.Id)],
        };
    }

    /// <summary>Withdraws a consent from now on (past sharing stays lawful). Withdrawing twice changes nothing.</summary>
    public static ChildDecision WithdrawConsent(ChildState state, ConsentId consentId, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        var consent = state.Consents.FirstOrDefault(c => c.Id == consentId);
        if (consent is null)
        {
            return Refuse(state, ChildErrors.ConsentNotFound, $"No consent {consentId} is recorded.");
        }

        if (consent.WithdrawnAt is not null)
        {
            return new ChildDecision { NewState = state };
        }

        return new ChildDecision
        {
            NewState = state with { Consents = state.Consents.Replace(consent, consent with { WithdrawnAt = context.Now }) },
            Events = [new ConsentWithdrawn(state.Key, context.Now, consentId)],
        };
    }

    /// <summary>
    /// Records a decision not to share. Recording the same decision again changes nothing; another decision with the
    /// same id is refused.
    /// </summary>
    public static ChildDecision RecordDecisionNotToShare(ChildState state, DecisionNotToShare decision, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        var errors = decision.Validate();
        if (!errors.IsEmpty)
        {
            return Refuse(state, ChildErrors.Invalid, "The decision not to share is invalid.", errors);
        }

        if (state.DecisionsNotToShare.FirstOrDefault(d => d.Id == decision.Id) is { } existing)
        {
            return existing.Reason == decision.Reason && existing.DecidedBy == decision.DecidedBy
                && existing.Recipients.SequenceEqual(decision.Recipients) && existing.Categories.SequenceEqual(decision.Categories)
                ? new ChildDecision { NewState = state }
                : Refuse(state, ChildErrors.DecisionExists, $"Another decision not to share with id {decision.Id} is recorded.");
        }

        return new ChildDecision
        {
            NewState = state with { DecisionsNotToShare = state.DecisionsNotToShare.Add(decision) },
            Events = [new SharingDeclined(state.Key, context.Now, decision.Id)],
        };
    }

    /// <summary>
    /// Keeps the child's open-case references in step with the case actor: a closed case is dropped (the
    /// next firing of that kind opens a new case); other statuses are recorded.
    /// </summary>
    public static ChildDecision RecordCaseStatus(ChildState state, CaseId caseId, CaseKind kind, CaseStatus status)
    {
        ArgumentNullException.ThrowIfNull(state);
        var existing = state.OpenCases.FirstOrDefault(c => c.Case == caseId);
        if (status == CaseStatus.Closed)
        {
            return new ChildDecision { NewState = existing is null ? state : state with { OpenCases = state.OpenCases.Remove(existing) } };
        }

        if (existing is null)
        {
            return new ChildDecision { NewState = state };
        }

        return new ChildDecision { NewState = state with { OpenCases = state.OpenCases.Replace(existing, existing with { Status = status, Kind = kind }) } };
    }

    /// <summary>
    /// A case refused a trigger because it had closed (<see cref="CaseErrors.Closed"/>): drop the reference
    /// and route the same firings again, which opens a new case, so the signal is not lost.
    /// </summary>
    public static ChildDecision RerouteTrigger(ChildState state, CaseTrigger refused, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(refused);
        ArgumentNullException.ThrowIfNull(context);
        var withoutCase = RecordCaseStatus(state, refused.Case, refused.Kind, CaseStatus.Closed).NewState;
        var concern = refused.Concern is { } id ? state.Concerns.FirstOrDefault(c => c.Id == id) : null;
        var (next, trigger) = BuildTrigger(withoutCase, refused.Kind, refused.Firings, concern, context);
        return new ChildDecision { NewState = next, CaseTriggers = [trigger] };
    }

    /// <summary>Evaluates the rules without new input (after a rule change, or on a daily tick as windows move).</summary>
    public static ChildDecision Evaluate(ChildState state, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        return Evaluated(state, context, null, ImmutableArray.CreateBuilder<ChildEvent>(), [], []);
    }

    private static ChildDecision Evaluated(
        ChildState state,
        ChildContext context,
        Concern? newConcern,
        ImmutableArray<ChildEvent>.Builder events,
        ImmutableArray<AlertRequest> alerts,
        ImmutableArray<TimerInstruction> timers)
    {
        var assessment = RuleEvaluator.Assess(state, context.Rules, context.Calendar, context.Now, newConcern);
        var next = state with { RuleTracks = assessment.Tracks };
        foreach (var rule in assessment.Rearmed)
        {
            events.Add(new RuleRearmed(state.Key, context.Now, rule));
        }

        foreach (var firing in assessment.Firings)
        {
            events.Add(new RuleFired(state.Key, context.Now, firing));
        }

        var triggers = ImmutableArray.CreateBuilder<CaseTrigger>();
        if (!assessment.Firings.IsEmpty)
        {
            var groups = assessment.Firings.Any(f => f.Kind == RuleKind.SignalUnderWatch)
                ? [(Kind: CaseKind.WatchSignal, Firings: assessment.Firings)]
                : assessment.Firings.GroupBy(f => CaseKindFor(f.Kind)).Select(g => (Kind: g.Key, Firings: g.ToImmutableArray())).ToList();
            foreach (var (kind, firings) in groups)
            {
                (next, var trigger) = BuildTrigger(next, kind, firings, newConcern, context);
                triggers.Add(trigger);
            }
        }

        return new ChildDecision
        {
            NewState = next,
            Events = events.ToImmutable(),
            CaseTriggers = triggers.ToImmutable(),
            Alerts = alerts,
            Timers = timers,
        };
    }

    internal static (ChildState State, CaseTrigger Trigger) BuildTrigger(ChildState state, CaseKind kind, ImmutableArray<RuleFiring> firings, Concern? concern, ChildContext context)
    {
        var severity = firings.Select(f => f.Severity).Append(concern?.Urgent == true ? Severity.Urgent : Severity.Normal).Max();
        var open = state.OpenCases.FirstOrDefault(c => c.Kind == kind && c.Status != CaseStatus.Closed);
        CaseId caseId;
        CaseTriggerAction action;
        if (open is not null)
        {
            caseId = open.Case;
            action = CaseTriggerAction.AddEvidence;
        }
        else
        {
            var sequence = state.CaseSequence + 1;
            caseId = new CaseId($"{state.Key.Value}-{sequence}");
            action = CaseTriggerAction.OpenCase;
            state = state with { CaseSequence = sequence, OpenCases = state.OpenCases.Add(new CaseRef(caseId, kind, CaseStatus.Open, context.Now)) };
        }

        var triggerSequence = state.TriggerSequence + 1;
        state = state with { TriggerSequence = triggerSequence };
        var concernId = concern?.Id ?? firings.SelectMany(f => f.Evidence.ContributingConcerns).Cast<ConcernId?>().LastOrDefault();
        var trigger = new CaseTrigger
        {
            TriggerId = $"{state.Key.Value}/t{triggerSequence}",
            Action = action,
            Case = caseId,
            Child = state.Key,
            Kind = kind,
            Severity = severity,
            RaisedAt = context.Now,
            Municipality = context.School?.Municipality ?? state.Profile?.HomeMunicipality,
            School = context.School?.Id,
            Firings = firings,
            Concern = concernId,
            NamedPerson = state.Profile?.NamedPerson,
            SocialServicesBases = SocialServicesBases(state, kind, firings, concern, context),
            WatchOwner = kind == CaseKind.WatchSignal ? state.Watch?.Owner : null,
            ProtectedIdentity = state.Profile?.ProtectedIdentity ?? false,
        };
        return (state, trigger);
    }

    /// <summary>
    /// The legal bases for including social services: the watch (watch signals), the report of concern
    /// (a new concern, or the concerns behind a concern rule), and any consent in force that names the
    /// school's social-services organisation for the case's category of information.
    /// </summary>
    private static ImmutableArray<LegalBasis> SocialServicesBases(ChildState state, CaseKind kind, ImmutableArray<RuleFiring> firings, Concern? concern, ChildContext context)
    {
        var bases = new List<LegalBasis>();
        if (kind == CaseKind.WatchSignal && state.Watch is { } watch && watch.IsActiveAt(context.Now))
        {
            bases.Add(new LegalBasis(LegalBasisKind.Watch, watch.Concern.Value, watch.StartedAt));
        }

        if (concern is not null)
        {
            bases.Add(new LegalBasis(LegalBasisKind.ReportOfConcern, concern.Id.Value, concern.ReceivedAt));
        }

        if (kind == CaseKind.ConcernFollowUp)
        {
            foreach (var id in firings.SelectMany(f => f.Evidence.ContributingConcerns).Distinct())
            {
                if (state.Concerns.FirstOrDefault(c => c.Id == id) is { } c && !bases.Any(b => b.Reference == id.Value))
                {
                    bases.Add(new LegalBasis(LegalBasisKind.ReportOfConcern, id.Value, c.ReceivedAt));
                }
            }
        }

        if (context.School?.SocialServices?.Organisation is { } recipient)
        {
            var category = kind switch
            {
                CaseKind.AbsenceFollowUp or CaseKind.WatchSignal => InformationCategory.Attendance,
                CaseKind.ConcernFollowUp => InformationCategory.Concerns,
                _ => InformationCategory.CaseWork,
            };
            foreach (var consent in state.Consents.Where(c => c.IsValidFor(recipient, category, context.Now)))
            {
                bases.Add(new LegalBasis(LegalBasisKind.Consent, consent.Id.Value, consent.ValidFrom));
            }
        }

        return [.. bases];
    }

    private static CaseKind CaseKindFor(RuleKind kind) => kind switch
    {
        RuleKind.RepeatedConcern => CaseKind.ConcernFollowUp,
        RuleKind.SignalUnderWatch => CaseKind.WatchSignal,
        _ => CaseKind.AbsenceFollowUp,
    };

    internal static ImmutableArray<AlertRecipient> SocialServicesRecipients(ChildContext context)
    {
        var link = context.School?.SocialServices;
        if (link is null)
        {
            return context.CoordinatorTeam is { } c ? [AlertRecipient.ToTeam(c)] : [];
        }

        if (!link.ContactPersons.IsDefaultOrEmpty)
        {
            return [.. link.ContactPersons.Select(AlertRecipient.ToStaff)];
        }

        return link.Team is { } team ? [AlertRecipient.ToTeam(team)] : [];
    }

    private static ImmutableArray<AlertRequest> WatchAlerts(ChildState state, Watch watch, AlertKind kind, ChildContext context)
    {
        var text = kind switch
        {
            AlertKind.WatchStarted => new LocalizedText("Barnet är under bevakning", "The child is under watch"),
            AlertKind.WatchExtended => new LocalizedText("Bevakningen är förlängd", "The watch was extended"),
            _ => new LocalizedText("Bevakningen har upphört", "The watch has ended"),
        };
        if (watch.Owner is { } owner)
        {
            return [Alert(state, kind, AlertRecipient.ToStaff(owner), context, text)];
        }

        var fallback = context.School?.SocialServices?.Team ?? context.CoordinatorTeam;
        return fallback is { } team
            ? [Alert(state, kind, AlertRecipient.ToTeam(team), context, text), Alert(state, AlertKind.WatchWithoutOwner, AlertRecipient.ToTeam(team), context, new LocalizedText("Bevakningen saknar ägare", "The watch has no owner"))]
            : [];
    }

    private static AlertRequest Alert(ChildState state, AlertKind kind, AlertRecipient recipient, ChildContext context, LocalizedText text) => new()
    {
        Kind = kind,
        Recipient = recipient,
        Severity = Severity.Normal,
        Child = state.Key,
        RaisedAt = context.Now,
        Text = text,
    };

    private static DateTimeOffset AddMonthsLocal(DateTimeOffset instant, int months)
    {
        var local = SwedishTime.ToLocal(instant);
        var date = DateOnly.FromDateTime(local.DateTime).AddMonths(months);
        return SwedishTime.AtLocal(date, TimeOnly.FromDateTime(local.DateTime));
    }

    private static bool SameConsent(Consent a, Consent b) =>
        a with { GivenBy = [], Recipients = [], Categories = [] } == b with { GivenBy = [], Recipients = [], Categories = [] }
        && a.GivenBy.SequenceEqual(b.GivenBy)
        && a.Recipients.SequenceEqual(b.Recipients)
        && a.Categories.SequenceEqual(b.Categories);

    private static ChildDecision Refuse(ChildState state, string code, string message, ImmutableArray<FieldError> fields = default) =>
        new() { NewState = state, Error = new DecisionError(code, message) { Fields = fields.IsDefault ? [] : fields } };
}
