using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Cases;
using Samverkan.Domain.Common;
using Samverkan.Domain.Concerns;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Children;

/// <summary>The child's named person left or was deactivated: the role waits for a new holder.</summary>
public sealed record NamedPersonVacancy(StaffId Staff, DateTimeOffset FlaggedAt);

/// <summary>
/// The feedback social services owe the organisation that reported a concern (SoL 14 kap. 1 f §): due by
/// <see cref="DueAt"/>, reminded at <see cref="ReminderAt"/>, shown as overdue after the deadline, until given.
/// </summary>
public sealed record ReporterFeedback
{
    public required ConcernId Concern { get; init; }

    public required OrganisationId ReportingOrganisation { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    public required DateTimeOffset ReminderAt { get; init; }

    public DateTimeOffset? RemindedAt { get; init; }

    public DateTimeOffset? OverdueAt { get; init; }

    public DateTimeOffset? GivenAt { get; init; }

    public StaffId? GivenBy { get; init; }
}

/// <summary>Error codes of the child's case-work decisions.</summary>
public static class ChildCaseWorkErrors
{
    public const string FeedbackNotFound = "FeedbackNotFound";
    public const string NotSocialServices = "NotSocialServices";
    public const string SipNeedsBothPrincipals = "SipNeedsBothPrincipals";
    public const string ConsentNotValid = "ConsentNotValid";
}

/// <summary>
/// The child's part of case work (issue 8), pure like <see cref="ChildDecisions"/>: the feedback owed to the reporter of a
/// concern, the named person's vacancy when they leave, and the placed-child follow-up case the placement flag opens.
/// </summary>
public static class ChildCaseWork
{
    /// <summary>The timer of the feedback on concern <c>{id}</c>: <c>feedback:{id}</c>.</summary>
    public const string FeedbackTimerPrefix = "feedback:";

    /// <summary>
    /// After a report of concern: a new concern owes its reporting organisation feedback within
    /// <see cref="CaseWorkPolicy.ReporterFeedbackWorkingDays"/> working days, with a reminder before.
    /// </summary>
    public static ChildDecision AfterConcernReported(ChildDecision decision, ConcernId concern, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        var state = decision.NewState;
        if (decision.IsRefused || state.ReporterFeedback.Any(f => f.Concern == concern) || state.Concerns.FirstOrDefault(c => c.Id == concern) is not { } reported)
        {
            return decision;
        }

        var policy = context.Work;
        var due = WorkingDays.After(context.Now, Math.Max(1, policy.ReporterFeedbackWorkingDays));
        var reminder = WorkingDays.After(context.Now, Math.Max(0, policy.ReporterFeedbackWorkingDays - policy.ReporterFeedbackReminderWorkingDays));
        var feedback = new ReporterFeedback
        {
            Concern = concern,
            ReportingOrganisation = reported.ReportingOrganisation,
            DueAt = due,
            ReminderAt = reminder < due ? reminder : due,
        };
        return decision with
        {
            NewState = state with { ReporterFeedback = state.ReporterFeedback.Add(feedback) },
            Timers = decision.Timers.Add(TimerInstruction.Set(FeedbackTimerPrefix + concern.Value, feedback.ReminderAt)),
        };
    }

    /// <summary>Social services record that the reporter got feedback; the timer stops. Recording it again changes nothing.</summary>
    public static ChildDecision RecordFeedback(ChildState state, ConcernId concern, StaffId by, Agency agency, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.ReporterFeedback.FirstOrDefault(f => f.Concern == concern) is not { } feedback)
        {
            return Refuse(state, ChildCaseWorkErrors.FeedbackNotFound, "No feedback is owed for such a concern.");
        }

        if (agency != Agency.SocialServices)
        {
            return Refuse(state, ChildCaseWorkErrors.NotSocialServices, "Social services give the reporter feedback.");
        }

        if (feedback.GivenAt is not null)
        {
            return new ChildDecision { NewState = state };
        }

        var given = feedback with { GivenAt = context.Now, GivenBy = by };
        return new ChildDecision
        {
            NewState = state with { ReporterFeedback = state.ReporterFeedback.Replace(feedback, given) },
            Timers = [TimerInstruction.Cancel(FeedbackTimerPrefix + concern.Value)],
        };
    }

    /// <summary>The feedback timer fired: first the reminder to social services, then, past the deadline, overdue (coordinators told).</summary>
    public static ChildDecision FeedbackTimerDue(ChildState state, string timer, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(context);
        var id = timer.StartsWith(FeedbackTimerPrefix, StringComparison.Ordinal) ? timer[FeedbackTimerPrefix.Length..] : timer;
        if (state.ReporterFeedback.FirstOrDefault(f => f.Concern.Value == id) is not { GivenAt: null, OverdueAt: null } feedback)
        {
            return new ChildDecision { NewState = state };
        }

        var now = context.Now;
        if (feedback.RemindedAt is null && now < feedback.DueAt)
        {
            if (now < feedback.ReminderAt)
            {
                return new ChildDecision { NewState = state, Timers = [TimerInstruction.Set(timer, feedback.ReminderAt)] };
            }

            return new ChildDecision
            {
                NewState = state with { ReporterFeedback = state.ReporterFeedback.Replace(feedback, feedback with { RemindedAt = now }) },
                Alerts = Alerts(state, ChildDecisions.SocialServicesRecipients(context), AlertKind.ReporterFeedbackDue, now,
                    new LocalizedText("Återkoppling till anmälaren ska ges", "Feedback to the reporter is due")),
                Timers = [TimerInstruction.Set(timer, feedback.DueAt)],
            };
        }

        if (now < feedback.DueAt)
        {
            return new ChildDecision { NewState = state, Timers = [TimerInstruction.Set(timer, feedback.DueAt)] };
        }

        var recipients = ChildDecisions.SocialServicesRecipients(context);
        if (context.CoordinatorTeam is { } coordinators && !recipients.Contains(AlertRecipient.ToTeam(coordinators)))
        {
            recipients = recipients.Add(AlertRecipient.ToTeam(coordinators));
        }

        return new ChildDecision
        {
            NewState = state with { ReporterFeedback = state.ReporterFeedback.Replace(feedback, feedback with { OverdueAt = now, RemindedAt = feedback.RemindedAt ?? now }) },
            Alerts = Alerts(state, recipients, AlertKind.ReporterFeedbackOverdue, now,
                new LocalizedText("Återkopplingen till anmälaren är försenad", "Feedback to the reporter is overdue")),
        };
    }

    /// <summary>
    /// After a roster update: a new named person clears the vacancy; a new placement in care opens the placed child's
    /// follow-up case (school and social services, on the placement's statutory basis) unless one is open.
    /// </summary>
    public static ChildDecision AfterProfileUpdated(ChildState before, ChildDecision decision, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        var state = decision.NewState;
        if (decision.IsRefused || ReferenceEquals(state, before))
        {
            return decision;
        }

        if (state.NamedPersonVacancy is { } vacancy && state.Profile?.NamedPerson?.Staff != vacancy.Staff)
        {
            state = state with { NamedPersonVacancy = null };
        }

        var triggers = decision.CaseTriggers;
        if (state.Profile?.PlacedInCare is { } placement && before.Profile?.PlacedInCare != placement
            && !state.OpenCases.Any(c => c.Kind == CaseKind.PlacedChildFollowUp && c.Status != CaseStatus.Closed))
        {
            var (next, trigger) = ChildDecisions.BuildTrigger(state, CaseKind.PlacedChildFollowUp, [], null, context);
            var basis = new LegalBasis(LegalBasisKind.Statutory, $"placement:{placement.PlacingMunicipality}", context.Now);
            state = next;
            triggers = triggers.Add(trigger with { Placement = placement, SocialServicesBases = [basis, .. trigger.SocialServicesBases] });
        }

        // A new school: the open cases follow, with a handover to the new school's team.
        var today = SwedishTime.DateOf(context.Now);
        var changes = decision.SchoolChanges;
        if (CurrentSchool(before.Profile, today) is { } from && CurrentSchool(state.Profile, today) is { } to && from != to && context.School is { } school && school.Id == to)
        {
            var consent = state.Consents.Any(c => c.IsValidFor(school.Organisation, InformationCategory.CaseWork, context.Now));
            changes = changes.AddRange(state.OpenCases
                .Where(c => c.Status != CaseStatus.Closed && !triggers.Any(t => t.Case == c.Case))
                .Select(c => new CaseSchoolChange(c.Case, to, school.Municipality, consent)));
        }

        return decision with { NewState = state, CaseTriggers = triggers, SchoolChanges = changes };
    }

    private static SchoolId? CurrentSchool(Child? profile, DateOnly today) =>
        profile?.EnrolmentAt(today)?.School ?? profile?.Enrolments.OrderBy(e => e.From).LastOrDefault()?.School;

    /// <summary>
    /// Starts a SIP (samordnad individuell plan): it needs the consent it rests on (in force, naming every participant's
    /// organisation) and participants from both the municipality (school, social services) and the region (child health,
    /// child psychiatry, primary care). Opens a case of kind <see cref="CaseKind.Sip"/> whose first meeting is due within
    /// <see cref="CaseWorkPolicy.SipFirstMeetingWorkingDays"/> working days. One open SIP per child: another start adds
    /// nothing but the evidence.
    /// </summary>
    public static ChildDecision StartSip(ChildState state, ConsentId consentId, IReadOnlyList<Staff> participants, StaffId by, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentNullException.ThrowIfNull(context);
        var now = context.Now;
        if (state.Consents.FirstOrDefault(c => c.Id == consentId) is not { } consent
            || !consent.IsInForceAt(now)
            || participants.Any(p => !consent.Recipients.Contains(p.Organisation)))
        {
            return Refuse(state, ChildCaseWorkErrors.ConsentNotValid, "The consent is not in force for every participant's organisation.");
        }

        var municipal = participants.Any(p => p.Agency is Agency.School or Agency.SocialServices);
        var regional = participants.Any(p => p.Agency is Agency.ChildHealthCentre or Agency.ChildPsychiatry or Agency.PrimaryCare);
        if (!municipal || !regional || participants.Any(p => !p.Active))
        {
            return Refuse(state, ChildCaseWorkErrors.SipNeedsBothPrincipals, "A SIP needs active participants from both the municipality and the region.");
        }

        var basis = new LegalBasis(LegalBasisKind.Consent, consent.Id.Value, now);
        var (next, trigger) = ChildDecisions.BuildTrigger(state, CaseKind.Sip, [], null, context);
        trigger = trigger with
        {
            // The school's social services join on the consent only when it names them.
            SocialServicesBases = context.School?.SocialServices is { } link && consent.Recipients.Contains(link.Organisation) ? [basis] : [],
            AdditionalParticipants =
            [
                .. participants.DistinctBy(p => p.Id).Select(p => new CaseParticipant(
                    ParticipantRef.ForStaff(p.Id), p.Agency, CaseParticipantRole.Other, p.Agency == Agency.School ? null : basis, now)),
            ],
        };
        return new ChildDecision { NewState = next, CaseTriggers = [trigger] };
    }

    /// <summary>The named person was deactivated: the role is flagged vacant and their manager, the school's team and the coordinators are alerted.</summary>
    public static ChildDecision NamedPersonDeactivated(ChildState state, StaffId staff, StaffId? manager, ChildContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.Profile?.NamedPerson?.Staff != staff || state.NamedPersonVacancy?.Staff == staff)
        {
            return new ChildDecision { NewState = state };
        }

        var recipients = ImmutableArray.CreateBuilder<AlertRecipient>();
        if (manager is { } m)
        {
            recipients.Add(AlertRecipient.ToStaff(m));
        }

        if (context.School?.StudentHealthTeam is { } team)
        {
            recipients.Add(AlertRecipient.ToTeam(team));
        }

        if (context.CoordinatorTeam is { } coordinators)
        {
            recipients.Add(AlertRecipient.ToTeam(coordinators));
        }

        return new ChildDecision
        {
            NewState = state with { NamedPersonVacancy = new NamedPersonVacancy(staff, context.Now) },
            Alerts = Alerts(state, recipients.ToImmutable(), AlertKind.RoleNeedsReassignment, context.Now,
                new LocalizedText("Barnet behöver en ny trygghetsperson", "The child needs a new named person")),
        };
    }

    private static ImmutableArray<AlertRequest> Alerts(ChildState state, ImmutableArray<AlertRecipient> recipients, AlertKind kind, DateTimeOffset now, LocalizedText text) =>
        [.. recipients.Distinct().Select(r => new AlertRequest { Kind = kind, Recipient = r, Severity = Severity.Normal, Child = state.Key, RaisedAt = now, Text = text })];

    private static ChildDecision Refuse(ChildState state, string code, string message) =>
        new() { NewState = state, Error = new DecisionError(code, message) };
}
