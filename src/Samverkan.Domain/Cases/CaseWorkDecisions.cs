using System.Collections.Immutable;
using Samverkan.Domain.Calendar;
using Samverkan.Domain.Common;
using Samverkan.Domain.Organisation;
using Samverkan.Domain.Sharing;

namespace Samverkan.Domain.Cases;

/// <summary>A new action of the joint plan. Organisation and agency default to the owner's.</summary>
public sealed record NewPlanAction(string? What, DateOnly? DueOn, OrganisationId? Organisation = null, Agency? Agency = null, StaffId? Owner = null);

/// <summary>A change to an action by its owner organisation: status, a progress note, a new due date.</summary>
public sealed record PlanActionUpdate(PlanActionStatus? Status, string? Progress = null, DateOnly? DueOn = null);

/// <summary>What was recorded of a held meeting.</summary>
public sealed record MeetingRecord
{
    public DateTimeOffset? HeldAt { get; init; }

    public ImmutableArray<MeetingAttendee> Attendees { get; init; } = [];

    public ImmutableArray<string> Decisions { get; init; } = [];

    public DateOnly? NextFollowUpOn { get; init; }

    /// <summary>The participants agreed the joint plan at this meeting.</summary>
    public bool PlanAgreed { get; init; }

    /// <summary>Who holds overall responsibility for the plan (required when a SIP's plan is agreed).</summary>
    public StaffId? OverallResponsible { get; init; }
}

/// <summary>Error codes of case-work decisions.</summary>
public static class CaseWorkErrors
{
    public const string Invalid = "Invalid";
    public const string PlanActionNotFound = "PlanActionNotFound";
    public const string MeetingNotFound = "MeetingNotFound";
    public const string StaffNotFound = "StaffNotFound";
    public const string NotActionOwner = "NotActionOwner";
    public const string MeetingAlreadyHeld = "MeetingAlreadyHeld";
    public const string StaffInactive = "StaffInactive";
    public const string NoLegalBasis = "NoLegalBasis";
    public const string NoFollowUpDue = "NoFollowUpDue";
}

/// <summary>
/// The case work after a case opens (issue 8), as pure decisions on <see cref="CaseState"/>: the lead professional,
/// the joint action plan, meetings, handovers when staff leave, SIP deadlines and placed children's follow-ups. Every
/// deadline is a durable timer (<see cref="CaseWorkTimers"/>); every reminder and escalation is an alert to a person or
/// team (alerts of a case escalate again in the inbox when nobody acknowledges them).
/// </summary>
public static class CaseWorkDecisions
{
    public const int MaxTextLength = 2000;

    /// <summary>
    /// Takes (no <paramref name="to"/>, or the caller), assigns or hands over the lead. Only a participant may; the new
    /// lead must be active, and joins the case if not yet a participant (outside the school only on a legal basis the
    /// case already has). Clears a vacant lead; the new lead is alerted when someone else assigned them.
    /// </summary>
    public static CaseDecision AssignLead(CaseState state, Staff to, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        if (!to.Active)
        {
            return Refuse(state, CaseWorkErrors.StaffInactive, "The new lead is not an active staff member.");
        }

        if (state.Lead?.Staff == to.Id)
        {
            return Unchanged(state);
        }

        var now = context.Now;
        var work = new Work(state, context);
        if (!work.EnsureParticipant(to, CaseParticipantRole.LeadProfessional, by))
        {
            return Refuse(state, CaseWorkErrors.NoLegalBasis, $"No legal basis lets {to.Agency} take part in this case.");
        }

        var from = state.Lead?.Staff;
        work.State = work.State with
        {
            Lead = new CaseLead(to.Id, to.Agency, now, by.Staff),
            Vacancies = [.. work.State.Vacancies.Where(v => v.Role != CaseRoleKind.Lead)],
        };
        work.Timeline(TimelineEntryKind.LeadAssigned, by.Staff, from is null ? $"Lead: {to.Id} ({to.Agency})." : $"Lead handed over from {from} to {to.Id} ({to.Agency}).",
            (TimelineFacts.From, from?.ToString()), (TimelineFacts.To, to.Id.ToString()), (TimelineFacts.Agency, to.Agency.ToString()));
        if (to.Id != by.Staff)
        {
            work.AlertStaff(to.Id, AlertKind.CaseLeadAssigned, new LocalizedText("Du är ansvarig i ärendet", "You are the lead of the case"));
        }

        return work.Decide();
    }

    /// <summary>
    /// Adds an action to the joint plan. Any participant may; the owner (if named) must be active and of the action's
    /// organisation, and joins the case. The due date is today or later. The action is overdue (its timer) at the check time
    /// of the working day after its due date.
    /// </summary>
    public static CaseDecision AddPlanAction(CaseState state, NewPlanAction action, Staff? owner, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        var now = context.Now;
        var today = SwedishTime.DateOf(now);
        var organisation = action.Organisation ?? owner?.Organisation ?? by.Organisation;
        var agency = action.Agency ?? owner?.Agency ?? (action.Organisation is null ? by.Agency : null);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (string.IsNullOrWhiteSpace(action.What) || action.What.Length > MaxTextLength)
        {
            errors.Add(new FieldError("what", "Required", $"what is required (at most {MaxTextLength} characters)."));
        }

        if (action.DueOn is not { } due)
        {
            errors.Add(new FieldError("dueOn", "Required", "dueOn is required."));
        }
        else if (due < today)
        {
            errors.Add(new FieldError("dueOn", "InPast", $"dueOn {due:yyyy-MM-dd} is before today ({today:yyyy-MM-dd})."));
        }

        if (organisation is null)
        {
            errors.Add(new FieldError("organisation", "Required", "organisation is required (or an owner)."));
        }

        if (agency is null)
        {
            errors.Add(new FieldError("agency", "Required", "agency is required with an organisation and no owner."));
        }

        if (owner is not null && organisation is { } org && owner.Organisation != org)
        {
            errors.Add(new FieldError("owner", "OtherOrganisation", "The owner works for another organisation than the action's."));
        }

        if (errors.Count > 0)
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The plan action is not valid.", errors.ToImmutable());
        }

        if (owner is { Active: false })
        {
            return Refuse(state, CaseWorkErrors.StaffInactive, "The owner is not an active staff member.");
        }

        var work = new Work(state, context);
        if (owner is not null && !work.EnsureParticipant(owner, CaseParticipantRole.ActionOwner, by))
        {
            return Refuse(state, CaseWorkErrors.NoLegalBasis, $"No legal basis lets {owner.Agency} take part in this case.");
        }

        var id = work.NextId("a");
        var added = new PlanAction
        {
            Id = id,
            What = action.What!.Trim(),
            Organisation = organisation!.Value,
            Agency = agency!.Value,
            Owner = owner?.Id,
            DueOn = action.DueOn!.Value,
            AddedAt = now,
            AddedBy = by.Staff,
        };
        work.State = work.State with { Plan = work.State.Plan with { Actions = work.State.Plan.Actions.Add(added) } };
        work.Timeline(TimelineEntryKind.PlanActionAdded, by.Staff, $"Action {id} for {added.Organisation} ({added.Agency}), due {added.DueOn:yyyy-MM-dd}.",
            (TimelineFacts.Action, id), (TimelineFacts.Organisation, added.Organisation.ToString()), (TimelineFacts.Agency, added.Agency.ToString()),
            (TimelineFacts.Due, TimelineFacts.Date(added.DueOn)));
        work.Timer(CaseWorkTimers.ActionPrefix + id, OverdueAt(added.DueOn, context.Work));
        if (owner is not null && owner.Id != by.Staff)
        {
            work.AlertStaff(owner.Id, AlertKind.PlanActionAssigned, new LocalizedText("Ny åtgärd i handlingsplanen", "New action in the joint plan"));
        }

        return work.Decide(id);
    }

    /// <summary>
    /// Its owner organisation (or its owner), taking part in the case, moves an action: status, progress, due date. Done or cancelled stops its
    /// timer; a new due date (or reopening) sets it again and clears the overdue mark.
    /// </summary>
    public static CaseDecision UpdatePlanAction(CaseState state, string actionId, PlanActionUpdate update, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);

        // A participant of the case (the owner is one): staff of the owner organisation who take no part in the case see
        // it through their school, but do not act on its plan.
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        if (state.Plan.Actions.FirstOrDefault(a => a.Id == actionId) is not { } action)
        {
            return Refuse(state, CaseWorkErrors.PlanActionNotFound, "There is no such action in the plan.");
        }

        if (action.Owner != by.Staff && action.Organisation != by.Organisation)
        {
            return Refuse(state, CaseWorkErrors.NotActionOwner, "Only the action's organisation updates it; everyone else sees its progress.");
        }

        var now = context.Now;
        var today = SwedishTime.DateOf(now);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (update.Status is null && update.Progress is null && update.DueOn is null)
        {
            errors.Add(new FieldError("status", "Required", "Give a status, a progress note or a new due date."));
        }

        if (update.Progress is { Length: > MaxTextLength })
        {
            errors.Add(new FieldError("progress", "TooLong", $"progress is at most {MaxTextLength} characters."));
        }

        if (update.DueOn is { } newDue && newDue < today && newDue != action.DueOn)
        {
            errors.Add(new FieldError("dueOn", "InPast", $"dueOn {newDue:yyyy-MM-dd} is before today ({today:yyyy-MM-dd})."));
        }

        if (errors.Count > 0)
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The update is not valid.", errors.ToImmutable());
        }

        var next = action with
        {
            Status = update.Status ?? action.Status,
            Progress = update.Progress ?? action.Progress,
            DueOn = update.DueOn ?? action.DueOn,
            UpdatedAt = now,
            UpdatedBy = by.Staff,
        };
        var rescheduled = next.DueOn != action.DueOn || (next.IsOpen && !action.IsOpen);
        if (rescheduled)
        {
            next = next with { OverdueSince = null, EscalatedAt = null };
        }

        if (next with { UpdatedAt = action.UpdatedAt, UpdatedBy = action.UpdatedBy } == action)
        {
            return Unchanged(state);
        }

        var work = new Work(state, context);
        work.ReplaceAction(next);
        work.Timeline(TimelineEntryKind.PlanActionUpdated, by.Staff, $"Action {action.Id}: {next.Status}{(next.DueOn != action.DueOn ? $", due {next.DueOn:yyyy-MM-dd}" : string.Empty)}.",
            (TimelineFacts.Action, action.Id), (TimelineFacts.Status, next.Status.ToString()), (TimelineFacts.Due, next.DueOn != action.DueOn ? TimelineFacts.Date(next.DueOn) : null));
        if (!next.IsOpen)
        {
            work.CancelTimer(CaseWorkTimers.ActionPrefix + action.Id);
        }
        else if (rescheduled)
        {
            work.Timer(CaseWorkTimers.ActionPrefix + action.Id, OverdueAt(next.DueOn, context.Work));
        }

        return work.Decide(action.Id);
    }

    /// <summary>Schedules a meeting of the participants (in the future); they are told, and reminded on its morning.</summary>
    public static CaseDecision ScheduleMeeting(CaseState state, DateTimeOffset? at, string? purpose, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        var now = context.Now;
        if (at is not { } when || when <= now || when > now.AddYears(2))
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The meeting is not valid.", [new FieldError("at", "OutOfRange", "at is a time in the next two years.")]);
        }

        if (purpose is { Length: > MaxTextLength })
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The meeting is not valid.", [new FieldError("purpose", "TooLong", $"purpose is at most {MaxTextLength} characters.")]);
        }

        var work = new Work(state, context);
        var id = work.NextId("m");
        work.State = work.State with
        {
            Meetings = work.State.Meetings.Add(new CaseMeeting { Id = id, ScheduledAt = when, Purpose = purpose, ScheduledBy = by.Staff }),
        };
        work.Timeline(TimelineEntryKind.MeetingScheduled, by.Staff, $"Meeting {id} scheduled for {when:O}.", (TimelineFacts.Meeting, id), (TimelineFacts.At, TimelineFacts.Instant(when)));
        var reminder = WorkingDays.At(SwedishTime.DateOf(when), context.Work);
        if (reminder > when)
        {
            reminder = when.AddHours(-1);
        }

        if (reminder > now)
        {
            work.Timer(CaseWorkTimers.MeetingPrefix + id, reminder);
        }

        work.AlertParticipants(AlertKind.MeetingScheduled, new LocalizedText("Möte inbokat i ärendet", "A meeting of the case was scheduled"), except: by.Staff);
        return work.Decide(id);
    }

    /// <summary>
    /// Records a held meeting: attendees by organisation, decisions, the next follow-up date (a timer), and whether the
    /// joint plan was agreed (for a SIP, with who holds overall responsibility). A SIP's first held meeting stops its
    /// deadline.
    /// </summary>
    public static CaseDecision RecordMeetingHeld(CaseState state, string meetingId, MeetingRecord record, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        if (state.Meetings.FirstOrDefault(m => m.Id == meetingId) is not { } meeting)
        {
            return Refuse(state, CaseWorkErrors.MeetingNotFound, "There is no such meeting.");
        }

        if (meeting.Status == MeetingStatus.Held)
        {
            return Refuse(state, CaseWorkErrors.MeetingAlreadyHeld, "The meeting is already recorded as held.");
        }

        var now = context.Now;
        var today = SwedishTime.DateOf(now);
        var heldAt = record.HeldAt ?? now;
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (record.Attendees.IsDefaultOrEmpty)
        {
            errors.Add(new FieldError("attendees", "Required", "Name the organisations that attended."));
        }

        if (heldAt > now)
        {
            errors.Add(new FieldError("heldAt", "InFuture", "heldAt is not in the future."));
        }

        if (!record.Decisions.IsDefault && record.Decisions.Any(d => string.IsNullOrWhiteSpace(d) || d.Length > MaxTextLength))
        {
            errors.Add(new FieldError("decisions", "Invalid", $"Each decision is a text of at most {MaxTextLength} characters."));
        }

        if (record.NextFollowUpOn is { } followUp && followUp <= today)
        {
            errors.Add(new FieldError("nextFollowUpOn", "NotInFuture", "nextFollowUpOn is after today."));
        }

        if (record.PlanAgreed && state.Kind == CaseKind.Sip && record.OverallResponsible is null && state.Plan.OverallResponsible is null)
        {
            errors.Add(new FieldError("overallResponsible", "Required", "A SIP names who holds overall responsibility."));
        }

        if (errors.Count > 0)
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The meeting record is not valid.", errors.ToImmutable());
        }

        var work = new Work(state, context);
        var held = meeting with
        {
            Status = MeetingStatus.Held,
            HeldAt = heldAt,
            RecordedBy = by.Staff,
            Attendees = record.Attendees,
            Decisions = record.Decisions.IsDefault ? [] : record.Decisions,
            NextFollowUpOn = record.NextFollowUpOn,
        };
        work.State = work.State with { Meetings = work.State.Meetings.Replace(meeting, held) };
        work.Timeline(
            TimelineEntryKind.MeetingHeld,
            by.Staff,
            $"Meeting {meeting.Id} held: {string.Join(", ", held.Attendees.Select(a => $"{a.Organisation} ({a.Agency})").Distinct())}; {held.Decisions.Length} decision(s)"
            + (held.NextFollowUpOn is { } next ? $"; follow-up {next:yyyy-MM-dd}." : "."),
            (TimelineFacts.Meeting, meeting.Id), (TimelineFacts.Decisions, held.Decisions.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (TimelineFacts.Attendees, string.Join(",", held.Attendees.Select(a => a.Staff?.ToString()).OfType<string>().Distinct())),
            (TimelineFacts.FollowUp, held.NextFollowUpOn is { } nextOn ? TimelineFacts.Date(nextOn) : null));
        work.CancelTimer(CaseWorkTimers.MeetingPrefix + meeting.Id);
        if (held.NextFollowUpOn is { } on)
        {
            work.Timer(CaseWorkTimers.FollowUpPrefix + meeting.Id, WorkingDays.At(on, context.Work));
        }

        if (record.PlanAgreed)
        {
            work.State = work.State with
            {
                Plan = work.State.Plan with
                {
                    AgreedAt = now,
                    AgreedAtMeeting = meeting.Id,
                    OverallResponsible = record.OverallResponsible ?? work.State.Plan.OverallResponsible,
                },
            };
            work.Timeline(TimelineEntryKind.PlanAgreed, by.Staff, $"Joint plan agreed at meeting {meeting.Id}" + (work.State.Plan.OverallResponsible is { } r ? $"; overall responsibility: {r}." : "."),
                (TimelineFacts.Meeting, meeting.Id), (TimelineFacts.Responsible, work.State.Plan.OverallResponsible?.ToString()));
        }

        if (work.State.Sip is { FirstMeetingHeldAt: null } sip)
        {
            work.State = work.State with { Sip = sip with { FirstMeetingHeldAt = heldAt } };
            work.CancelTimer(CaseWorkTimers.Sip);
        }

        return work.Decide(meeting.Id);
    }

    /// <summary>
    /// A staff member left or was deactivated: every role they hold on the case (lead, participant, action owner,
    /// overall responsibility) is flagged for reassignment, and their manager, the lead and the coordinators are alerted.
    /// Nothing changes when they hold no role or the roles are already flagged.
    /// </summary>
    public static CaseDecision StaffDeactivated(CaseState state, StaffId staff, StaffId? manager, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        if (state.IsClosed)
        {
            return Unchanged(state);
        }

        var now = context.Now;
        var roles = RolesOf(state, staff).Where(r => !state.Vacancies.Any(v => v.Staff == staff && v.Role == r.Role && v.Reference == r.Reference)).ToList();
        if (roles.Count == 0)
        {
            return Unchanged(state);
        }

        var work = new Work(state, context);
        work.State = work.State with { Vacancies = work.State.Vacancies.AddRange(roles.Select(r => new RoleVacancy(staff, r.Role, r.Reference, now))) };
        work.Timeline(TimelineEntryKind.RoleVacated, null, $"{staff} left: {string.Join(", ", roles.Select(r => r.Reference is null ? r.Role.ToString() : $"{r.Role} {r.Reference}"))} to reassign.",
            (TimelineFacts.Staff, staff.ToString()), (TimelineFacts.Roles, string.Join(",", roles.Select(r => r.Role.ToString()).Distinct())));
        var text = new LocalizedText("Roller i ärendet behöver ny ansvarig", "Roles in the case need a new holder");
        if (manager is { } m)
        {
            work.AlertStaff(m, AlertKind.RoleNeedsReassignment, text);
        }

        work.AlertLeadAndCoordinators(context, AlertKind.RoleNeedsReassignment, text, except: staff);
        return work.Decide();
    }

    /// <summary>
    /// Hands every role of <paramref name="from"/> on the case over to <paramref name="to"/> (lead, participation, action
    /// ownership, overall responsibility) and clears their vacancies. A participant or <paramref name="from"/>'s manager
    /// may; the new holder must be active, of the same agency (so the case's legal bases still hold).
    /// </summary>
    public static CaseDecision Handover(CaseState state, Staff from, Staff to, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (state.IsClosed)
        {
            return Refuse(state, CaseErrors.Closed, "The case is closed.");
        }

        if (!state.IsParticipant(by) && from.Manager != by.Staff)
        {
            return Refuse(state, CaseErrors.NotParticipant, "Only a participant or the staff member's manager hands roles over.");
        }

        if (!to.Active)
        {
            return Refuse(state, CaseWorkErrors.StaffInactive, "The new holder is not an active staff member.");
        }

        if (to.Agency != from.Agency)
        {
            return Refuse(state, CaseWorkErrors.Invalid, "Roles are handed over within the agency.", [new FieldError("to", "OtherAgency", "The new holder works for another agency.")]);
        }

        var roles = RolesOf(state, from.Id).ToList();
        if (roles.Count == 0 || from.Id == to.Id)
        {
            return Unchanged(state);
        }

        var now = context.Now;
        var work = new Work(state, context);
        var participants = work.State.Participants;
        foreach (var participant in participants.Where(p => p.Who.Staff == from.Id).ToList())
        {
            participants = participants.Remove(participant);
            if (!participants.Any(p => p.Who.Staff == to.Id))
            {
                participants = participants.Add(participant with { Who = ParticipantRef.ForStaff(to.Id), AddedAt = now });
            }
        }

        work.State = work.State with
        {
            Participants = participants,
            Lead = work.State.Lead is { } lead && lead.Staff == from.Id ? new CaseLead(to.Id, to.Agency, now, by.Staff) : work.State.Lead,
            ProposedLead = work.State.ProposedLead?.Staff == from.Id ? ParticipantRef.ForStaff(to.Id) : work.State.ProposedLead,
            Plan = work.State.Plan with
            {
                Actions = [.. work.State.Plan.Actions.Select(a => a.Owner == from.Id && a.IsOpen ? a with { Owner = to.Id, UpdatedAt = now, UpdatedBy = by.Staff } : a)],
                OverallResponsible = work.State.Plan.OverallResponsible == from.Id ? to.Id : work.State.Plan.OverallResponsible,
            },
            Vacancies = [.. work.State.Vacancies.Where(v => v.Staff != from.Id)],
        };
        work.Timeline(TimelineEntryKind.HandedOver, by.Staff, $"Roles of {from.Id} handed over to {to.Id}: {string.Join(", ", roles.Select(r => r.Role).Distinct())}.",
            (TimelineFacts.From, from.Id.ToString()), (TimelineFacts.To, to.Id.ToString()), (TimelineFacts.Roles, string.Join(",", roles.Select(r => r.Role.ToString()).Distinct())));
        work.AlertStaff(to.Id, AlertKind.CaseHandedOver, new LocalizedText("Du har tagit över roller i ärendet", "You took over roles in the case"));
        return work.Decide();
    }

    /// <summary>
    /// The child changed school: the case follows to <paramref name="to"/>, handed over from the former school's
    /// student-health team to the new one (and, where the case has a legal basis, to the new school's social-services
    /// contacts). To another municipality only when <paramref name="consentAllows"/>; otherwise the case stays where it is,
    /// its participants are told the child moved, and the timeline records that nothing was disclosed.
    /// </summary>
    public static CaseDecision ChildChangedSchool(CaseState state, School to, bool consentAllows, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(context);
        if (state.IsClosed || state.School == to.Id)
        {
            return Unchanged(state);
        }

        var now = context.Now;
        var work = new Work(state, context);
        if (state.Municipality is { } home && home != to.Municipality && !consentAllows)
        {
            work.Timeline(TimelineEntryKind.SchoolChanged, null, "The child moved to a school in another municipality; no consent allows the case to follow, so nothing was disclosed.",
                (TimelineFacts.To, TimelineFacts.Elsewhere));
            work.AlertParticipants(AlertKind.CaseHandedOver, new LocalizedText("Barnet har flyttat till en annan kommun", "The child moved to another municipality"));
            return work.Decide();
        }

        var participants = state.Participants.Where(p => p.Role != CaseParticipantRole.StudentHealthTeam).ToImmutableArray();
        var added = new List<CaseParticipant>();
        if (to.StudentHealthTeam is { } team)
        {
            added.Add(new CaseParticipant(ParticipantRef.ForTeam(team), Agency.School, CaseParticipantRole.StudentHealthTeam, null, now));
        }

        if (state.LegalBases.FirstOrDefault() is { } basis && to.SocialServices is { } link)
        {
            if (link.Team is { } ssTeam)
            {
                added.Add(new CaseParticipant(ParticipantRef.ForTeam(ssTeam), Agency.SocialServices, CaseParticipantRole.SocialServicesTeam, basis, now));
            }

            added.AddRange(link.ContactPersons.Select(c => new CaseParticipant(ParticipantRef.ForStaff(c), Agency.SocialServices, CaseParticipantRole.SocialServicesContact, basis, now)));
        }

        var joining = added.Where(a => !participants.Any(p => p.Who == a.Who)).ToList();
        work.State = work.State with
        {
            School = to.Id,
            Municipality = to.Municipality,
            Participants = participants.AddRange(joining),
        };
        work.Timeline(TimelineEntryKind.SchoolChanged, null, $"The child changed school from {state.School} to {to.Id}; the case was handed over to the new school's team.",
            (TimelineFacts.From, state.School?.ToString()), (TimelineFacts.To, to.Id.ToString()));
        foreach (var participant in joining)
        {
            if (participant.Who.Team is { } t)
            {
                work.AlertTeam(t, AlertKind.CaseHandedOver, new LocalizedText("Ett ärende har flyttat till er skola", "A case moved to your school"));
            }
            else
            {
                work.AlertStaff(participant.Who.Staff!.Value, AlertKind.CaseHandedOver, new LocalizedText("Ett ärende har flyttat till er skola", "A case moved to your school"));
            }
        }

        return work.Decide();
    }

    /// <summary>Records a placed child's joint follow-up as held (the earliest due or overdue one); the next one is scheduled.</summary>
    public static CaseDecision RecordPlacementFollowUp(CaseState state, string? notes, ActingStaff by, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(context);
        if (Check(state, by) is { } refused)
        {
            return refused;
        }

        if (state.Placement?.Items.Where(i => i.Status is FollowUpStatus.Due or FollowUpStatus.Overdue).OrderBy(i => i.DueOn).FirstOrDefault() is not { } item)
        {
            return Refuse(state, CaseWorkErrors.NoFollowUpDue, "The case has no placement follow-up to record.");
        }

        if (notes is { Length: > MaxTextLength })
        {
            return Refuse(state, CaseWorkErrors.Invalid, "The follow-up is not valid.", [new FieldError("notes", "TooLong", $"notes is at most {MaxTextLength} characters.")]);
        }

        var now = context.Now;
        var work = new Work(state, context);
        var held = item with { Status = FollowUpStatus.Held, HeldAt = now, HeldBy = by.Staff, Notes = notes };
        work.ReplaceFollowUp(item, held);
        work.CancelTimer(CaseWorkTimers.PlacementPrefix + item.Id);
        work.Timeline(TimelineEntryKind.PlacementFollowUpHeld, by.Staff, $"Follow-up {item.Id} (due {item.DueOn:yyyy-MM-dd}) held{(item.Status == FollowUpStatus.Overdue ? " late" : string.Empty)}.",
            (TimelineFacts.FollowUp, item.Id), (TimelineFacts.Due, TimelineFacts.Date(item.DueOn)), (TimelineFacts.Late, item.Status == FollowUpStatus.Overdue ? "true" : "false"));
        work.ScheduleNextFollowUp(held, context);
        return work.Decide(item.Id);
    }

    /// <summary>
    /// Sets up the case work a new case of its kind needs: a SIP's first-meeting deadline (working days, with a reminder
    /// the day before), a placed child's first follow-up (<see cref="CaseWorkPolicy.PlacementFollowUpMonths"/> after the
    /// placement began, and not in the past).
    /// </summary>
    public static CaseDecision Opened(CaseDecision opened, CaseTrigger trigger, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(opened);
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(context);
        if (opened.NewState is not { } state || opened.IsRefused)
        {
            return opened;
        }

        var now = context.Now;
        var work = new Work(state, context);
        var extra = trigger.AdditionalParticipants.IsDefaultOrEmpty ? [] : trigger.AdditionalParticipants.Where(p => !state.Participants.Any(q => q.Who == p.Who)).ToList();
        if (extra.Count > 0)
        {
            work.State = work.State with { Participants = work.State.Participants.AddRange(extra) };
            foreach (var participant in extra.Where(p => p.Who.Staff is not null))
            {
                work.AlertStaff(participant.Who.Staff!.Value, AlertKind.CaseOpened, new LocalizedText("Ny samordnad individuell plan (SIP)", "A new coordinated individual plan (SIP)"));
            }
        }

        if (state.Kind == CaseKind.Sip && state.Sip is null)
        {
            var days = Math.Max(1, context.Work.SipFirstMeetingWorkingDays);
            var due = WorkingDays.After(now, days);
            var reminder = WorkingDays.After(now, days - 1);
            work.State = work.State with
            {
                Sip = new SipDetails { Consent = trigger.SocialServicesBases.FirstOrDefault()?.Reference ?? string.Empty, FirstMeetingDueAt = due, ReminderAt = reminder },
            };
            work.Timer(CaseWorkTimers.Sip, days > 1 ? reminder : due);
        }

        if (state.Kind == CaseKind.PlacedChildFollowUp && state.Placement is null && trigger.Placement is { } placement)
        {
            var months = Math.Max(1, context.Work.PlacementFollowUpMonths);
            var today = SwedishTime.DateOf(now);
            var dueOn = placement.From.AddMonths(months);
            while (dueOn < today)
            {
                dueOn = dueOn.AddMonths(months);
            }

            work.State = work.State with { Placement = new PlacementFollowUps { PlacingMunicipality = placement.PlacingMunicipality } };
            work.AddFollowUp(dueOn, context);
        }

        if (!work.Changed)
        {
            return opened;
        }

        var added = work.Decide();
        return opened with
        {
            NewState = work.State,
            Alerts = opened.Alerts.AddRange(added.Alerts),
            Timers = opened.Timers.AddRange(work.Timers),
        };
    }

    /// <summary>A case-work timer fired (see <see cref="CaseWorkTimers"/>): remind, mark overdue, escalate, or re-set a moved deadline.</summary>
    public static CaseDecision TimerDue(CaseState state, string name, CaseContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(context);
        if (state.IsClosed)
        {
            return Unchanged(state);
        }

        var work = new Work(state, context);
        if (name.StartsWith(CaseWorkTimers.ActionPrefix, StringComparison.Ordinal))
        {
            ActionDue(work, name[CaseWorkTimers.ActionPrefix.Length..], context);
        }
        else if (name.StartsWith(CaseWorkTimers.MeetingPrefix, StringComparison.Ordinal))
        {
            if (state.Meetings.FirstOrDefault(m => m.Id == name[CaseWorkTimers.MeetingPrefix.Length..]) is { Status: MeetingStatus.Scheduled })
            {
                work.AlertParticipants(AlertKind.MeetingToday, new LocalizedText("Möte i ärendet idag", "Meeting of the case today"));
            }
        }
        else if (name.StartsWith(CaseWorkTimers.FollowUpPrefix, StringComparison.Ordinal))
        {
            FollowUpDue(work, name[CaseWorkTimers.FollowUpPrefix.Length..]);
        }
        else if (name.StartsWith(CaseWorkTimers.PlacementPrefix, StringComparison.Ordinal))
        {
            PlacementDue(work, name[CaseWorkTimers.PlacementPrefix.Length..], context);
        }
        else if (name == CaseWorkTimers.Sip)
        {
            SipDue(work, context);
        }

        return work.Changed ? work.Decide() : Unchanged(state) with { Timers = work.Timers.ToImmutable() };
    }

    private static void ActionDue(Work work, string id, CaseContext context)
    {
        if (work.State.Plan.Actions.FirstOrDefault(a => a.Id == id) is not { IsOpen: true } action)
        {
            return;
        }

        var now = work.Now;
        var overdueAt = OverdueAt(action.DueOn, context.Work);
        var escalateAt = EscalateAt(action.DueOn, context.Work);
        if (now < overdueAt)
        {
            work.Timer(CaseWorkTimers.ActionPrefix + id, overdueAt);
            return;
        }

        if (action.OverdueSince is null)
        {
            work.ReplaceAction(action with { OverdueSince = now });
            work.Timeline(TimelineEntryKind.PlanActionOverdue, null, $"Action {id} is overdue (due {action.DueOn:yyyy-MM-dd}).", (TimelineFacts.Action, id), (TimelineFacts.Due, TimelineFacts.Date(action.DueOn)));
            var text = new LocalizedText("En åtgärd i handlingsplanen är försenad", "An action of the joint plan is overdue");
            if (action.Owner is { } owner)
            {
                work.AlertStaff(owner, AlertKind.PlanActionOverdue, text);
            }
            else
            {
                work.AlertParticipants(AlertKind.PlanActionOverdue, text, agency: action.Agency);
            }

            work.Timer(CaseWorkTimers.ActionPrefix + id, now < escalateAt ? escalateAt : now);
            return;
        }

        if (action.EscalatedAt is null)
        {
            if (now < escalateAt)
            {
                work.Timer(CaseWorkTimers.ActionPrefix + id, escalateAt);
                return;
            }

            work.ReplaceAction(action with { EscalatedAt = now });
            work.Timeline(TimelineEntryKind.PlanActionEscalated, null, $"Action {id} still open {context.Work.EscalateAfterWorkingDays} working days after its due date; escalated.",
                (TimelineFacts.Action, id), (TimelineFacts.Days, context.Work.EscalateAfterWorkingDays.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            work.AlertLeadAndCoordinators(context, AlertKind.PlanActionEscalated, new LocalizedText("Försenad åtgärd eskalerad", "Overdue action escalated"));
        }
    }

    private static void FollowUpDue(Work work, string meetingId)
    {
        if (work.State.Meetings.FirstOrDefault(m => m.Id == meetingId) is not { NextFollowUpOn: { } on, FollowUpDueNotifiedAt: null } meeting)
        {
            return;
        }

        // A meeting scheduled after this one was recorded is the follow-up: nothing to remind.
        if (work.State.Meetings.Any(m => m.Id != meetingId && m.ScheduledAt >= (meeting.HeldAt ?? meeting.ScheduledAt)))
        {
            return;
        }

        work.State = work.State with { Meetings = work.State.Meetings.Replace(meeting, meeting with { FollowUpDueNotifiedAt = work.Now }) };
        work.Timeline(TimelineEntryKind.FollowUpDue, null, $"Follow-up of meeting {meetingId} due {on:yyyy-MM-dd}; no meeting scheduled.", (TimelineFacts.Meeting, meetingId), (TimelineFacts.Due, TimelineFacts.Date(on)));
        work.AlertParticipants(AlertKind.FollowUpDue, new LocalizedText("Dags för uppföljning i ärendet", "The case's follow-up is due"));
    }

    private static void PlacementDue(Work work, string id, CaseContext context)
    {
        if (work.State.Placement?.Items.FirstOrDefault(i => i.Id == id) is not { Status: FollowUpStatus.Due or FollowUpStatus.Overdue } item)
        {
            return;
        }

        var now = work.Now;
        var overdueAt = OverdueAt(item.DueOn, context.Work);
        var escalateAt = EscalateAt(item.DueOn, context.Work);
        if (item.Status == FollowUpStatus.Due)
        {
            if (now < overdueAt)
            {
                work.Timer(CaseWorkTimers.PlacementPrefix + id, overdueAt);
                return;
            }

            var overdue = item with { Status = FollowUpStatus.Overdue, OverdueSince = now };
            work.ReplaceFollowUp(item, overdue);
            work.Timeline(TimelineEntryKind.PlacementFollowUpOverdue, null, $"Follow-up {id} (due {item.DueOn:yyyy-MM-dd}) not held.", (TimelineFacts.FollowUp, id), (TimelineFacts.Due, TimelineFacts.Date(item.DueOn)));
            work.AlertParticipants(AlertKind.PlacementFollowUpOverdue, new LocalizedText("Uppföljningen av placerat barn är försenad", "The placed child's follow-up is overdue"));
            work.Timer(CaseWorkTimers.PlacementPrefix + id, now < escalateAt ? escalateAt : now);
            return;
        }

        if (item.EscalatedAt is null)
        {
            if (now < escalateAt)
            {
                work.Timer(CaseWorkTimers.PlacementPrefix + id, escalateAt);
                return;
            }

            var escalated = item with { Status = FollowUpStatus.Missed, EscalatedAt = now };
            work.ReplaceFollowUp(item, escalated);
            work.Timeline(TimelineEntryKind.PlacementFollowUpEscalated, null, $"Follow-up {id} missed; escalated.", (TimelineFacts.FollowUp, id));
            work.AlertLeadAndCoordinators(context, AlertKind.PlacementFollowUpOverdue, new LocalizedText("Missad uppföljning av placerat barn", "A placed child's follow-up was missed"));

            // The rhythm goes on: the next quarter's follow-up is scheduled even though this one was missed.
            work.ScheduleNextFollowUp(escalated, context);
        }
    }

    private static void SipDue(Work work, CaseContext context)
    {
        if (work.State.Sip is not { FirstMeetingHeldAt: null } sip)
        {
            return;
        }

        var now = work.Now;
        if (sip.RemindedAt is null && now < sip.FirstMeetingDueAt)
        {
            if (now < sip.ReminderAt)
            {
                work.Timer(CaseWorkTimers.Sip, sip.ReminderAt);
                return;
            }

            work.State = work.State with { Sip = sip with { RemindedAt = now } };
            work.AlertParticipants(AlertKind.SipFirstMeetingDue, new LocalizedText("SIP-mötet ska hållas senast imorgon", "The SIP meeting is due tomorrow"));
            work.Timer(CaseWorkTimers.Sip, sip.FirstMeetingDueAt);
            return;
        }

        if (sip.EscalatedAt is null)
        {
            if (now < sip.FirstMeetingDueAt)
            {
                work.Timer(CaseWorkTimers.Sip, sip.FirstMeetingDueAt);
                return;
            }

            work.State = work.State with { Sip = sip with { EscalatedAt = now, RemindedAt = sip.RemindedAt ?? now } };
            work.Timeline(TimelineEntryKind.SipDeadlinePassed, null, $"No SIP meeting held by {sip.FirstMeetingDueAt:O}; escalated.", (TimelineFacts.Due, TimelineFacts.Instant(sip.FirstMeetingDueAt)));
            var text = new LocalizedText("SIP-mötet hölls inte i tid", "The SIP meeting was not held in time");
            work.AlertParticipants(AlertKind.SipFirstMeetingOverdue, text);
            work.AlertLeadAndCoordinators(context, AlertKind.SipFirstMeetingOverdue, text);
        }
    }

    /// <summary>Something due on <paramref name="due"/> and not done is overdue at the check time of the next working day.</summary>
    public static DateTimeOffset OverdueAt(DateOnly due, CaseWorkPolicy policy) => WorkingDays.At(WorkingDays.After(due, 1), policy);

    /// <summary>Still not done <see cref="CaseWorkPolicy.EscalateAfterWorkingDays"/> working days after it became overdue, it escalates.</summary>
    public static DateTimeOffset EscalateAt(DateOnly due, CaseWorkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return WorkingDays.At(WorkingDays.After(due, 1 + policy.EscalateAfterWorkingDays), policy);
    }

    /// <summary>The roles <paramref name="staff"/> holds on the case (reference: the action id for action owners).</summary>
    public static IEnumerable<(CaseRoleKind Role, string? Reference)> RolesOf(CaseState state, StaffId staff)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Lead?.Staff == staff)
        {
            yield return (CaseRoleKind.Lead, null);
        }

        if (state.Participants.Any(p => p.Who.Staff == staff))
        {
            yield return (CaseRoleKind.Participant, null);
        }

        foreach (var action in state.Plan.Actions.Where(a => a.Owner == staff && a.IsOpen))
        {
            yield return (CaseRoleKind.ActionOwner, action.Id);
        }

        if (state.Plan.OverallResponsible == staff)
        {
            yield return (CaseRoleKind.OverallResponsible, null);
        }
    }

    /// <summary>Every staff member holding a role on the case (for the staff actors' role registers).</summary>
    public static ImmutableHashSet<StaffId> StaffWithRoles(CaseState? state) =>
        state is null || state.IsClosed
            ? []
            : [
                .. state.Participants.Select(p => p.Who.Staff).OfType<StaffId>(),
                .. state.Plan.Actions.Where(a => a.IsOpen).Select(a => a.Owner).OfType<StaffId>(),
                .. new[] { state.Lead?.Staff, state.Plan.OverallResponsible }.OfType<StaffId>(),
            ];

    private static CaseDecision? Check(CaseState state, ActingStaff by)
    {
        if (state.IsClosed)
        {
            return Refuse(state, CaseErrors.Closed, "The case is closed.");
        }

        return state.IsParticipant(by) ? null : Refuse(state, CaseErrors.NotParticipant, "Only a participant of the case can do this.");
    }

    private static CaseDecision Unchanged(CaseState state) => new() { NewState = state, IsUnchanged = true };

    private static CaseDecision Refuse(CaseState state, string code, string message, ImmutableArray<FieldError> fields = default) =>
        new() { NewState = state, Error = new DecisionError(code, message) { Fields = fields.IsDefault ? [] : fields } };

    /// <summary>Collects what one decision does: the new state, timeline, alerts and timers.</summary>
    private sealed class Work(CaseState state, CaseContext context)
    {
        private readonly CaseState _original = state;
        private readonly CaseContext _context = context;
        private readonly ImmutableArray<AlertRequest>.Builder _alerts = ImmutableArray.CreateBuilder<AlertRequest>();

        public CaseState State { get; set; } = state;

        public DateTimeOffset Now { get; } = context.Now;

        public ImmutableArray<TimerInstruction>.Builder Timers { get; } = ImmutableArray.CreateBuilder<TimerInstruction>();

        public bool Changed => !ReferenceEquals(State, _original) || _alerts.Count > 0;

        public string NextId(string prefix)
        {
            State = State with { WorkSequence = State.WorkSequence + 1 };
            return prefix + State.WorkSequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Timeline(TimelineEntryKind kind, StaffId? by, string text, params (string Key, string? Value)[] facts) =>
            State = State with { Timeline = State.Timeline.Add(new TimelineEntry(Now, kind, by, text).With(facts)) };

        public void Timer(string name, DateTimeOffset at) => Timers.Add(TimerInstruction.Set(name, at));

        public void CancelTimer(string name) => Timers.Add(TimerInstruction.Cancel(name));

        public void ReplaceAction(PlanAction action) =>
            State = State with { Plan = State.Plan with { Actions = [.. State.Plan.Actions.Select(a => a.Id == action.Id ? action : a)] } };

        public void ReplaceFollowUp(PlacementFollowUp item, PlacementFollowUp next) =>
            State = State with { Placement = State.Placement! with { Items = State.Placement.Items.Replace(item, next) } };

        public void AddFollowUp(DateOnly dueOn, CaseContext context)
        {
            var id = NextId("f");
            State = State with { Placement = State.Placement! with { Items = State.Placement.Items.Add(new PlacementFollowUp { Id = id, DueOn = dueOn }) } };
            Timer(CaseWorkTimers.PlacementPrefix + id, OverdueAt(dueOn, context.Work));
        }

        public void ScheduleNextFollowUp(PlacementFollowUp after, CaseContext context)
        {
            if (State.Placement is { } placement && !placement.Items.Any(i => i.DueOn > after.DueOn))
            {
                AddFollowUp(after.DueOn.AddMonths(Math.Max(1, context.Work.PlacementFollowUpMonths)), context);
            }
        }

        /// <summary>Adds <paramref name="staff"/> as participant when not one yet; false when no legal basis allows their agency.</summary>
        public bool EnsureParticipant(Staff staff, CaseParticipantRole role, ActingStaff by)
        {
            // Already in the case: in person, or (the caller themself) through one of their teams.
            if (State.Participants.Any(p => p.Who.Staff == staff.Id) || (staff.Id == by.Staff && State.IsParticipant(by)))
            {
                return true;
            }

            LegalBasis? basis = null;
            if (staff.Agency != Agency.School)
            {
                basis = State.Participants.FirstOrDefault(p => p.Agency == staff.Agency && p.Basis is not null)?.Basis ?? State.LegalBases.FirstOrDefault();
                if (basis is null)
                {
                    return false;
                }
            }

            var participant = new CaseParticipant(ParticipantRef.ForStaff(staff.Id), staff.Agency, role, basis, Now);
            State = State with { Participants = State.Participants.Add(participant) };
            Timeline(TimelineEntryKind.ParticipantAdded, null, $"{participant.Who} joined ({role}).", (TimelineFacts.Staff, staff.Id.ToString()), (TimelineFacts.Role, role.ToString()));
            return true;
        }

        public void AlertStaff(StaffId staff, AlertKind kind, LocalizedText text) => Alert(AlertRecipient.ToStaff(staff), kind, text);

        public void AlertTeam(TeamId team, AlertKind kind, LocalizedText text) => Alert(AlertRecipient.ToTeam(team), kind, text);

        public void AlertParticipants(AlertKind kind, LocalizedText text, StaffId? except = null, Agency? agency = null)
        {
            foreach (var participant in State.Participants.Where(p => agency is null || p.Agency == agency))
            {
                if (participant.Who.Staff is { } staff && staff == except)
                {
                    continue;
                }

                Alert(participant.Who.Team is { } team ? AlertRecipient.ToTeam(team) : AlertRecipient.ToStaff(participant.Who.Staff!.Value), kind, text);
            }
        }

        public void AlertLeadAndCoordinators(CaseContext context, AlertKind kind, LocalizedText text, StaffId? except = null)
        {
            var lead = State.Lead is { } l ? ParticipantRef.ForStaff(l.Staff) : State.ProposedLead;
            if (lead?.Staff is { } staff && staff != except)
            {
                Alert(AlertRecipient.ToStaff(staff), kind, text);
            }
            else if (lead?.Team is { } team)
            {
                Alert(AlertRecipient.ToTeam(team), kind, text);
            }

            if (context.CoordinatorTeam is { } coordinators)
            {
                Alert(AlertRecipient.ToTeam(coordinators), kind, text);
            }
        }

        public CaseDecision Decide(string? created = null) => new()
        {
            NewState = State,
            CreatedId = created,
            Alerts = [.. _alerts.Distinct().Where(a => !ReachedThroughTeam(a))],
            Timers = Timers.ToImmutable(),
        };

        /// <summary>A person also alerted through a team of theirs (the same alert) gets it once, through the team.</summary>
        private bool ReachedThroughTeam(AlertRequest alert) =>
            alert.Recipient.Staff is { } staff
            && _alerts.Any(other => other.Kind == alert.Kind && other.Recipient.Team is { } team
                && _context.TeamMembers.TryGetValue(team, out var members) && members.Contains(staff));

        private void Alert(AlertRecipient recipient, AlertKind kind, LocalizedText text) => _alerts.Add(new AlertRequest
        {
            Kind = kind,
            Recipient = recipient,
            Severity = State.Severity,
            Child = State.Child,
            Case = State.Id,
            RaisedAt = Now,
            Text = text,
        });
    }
}
