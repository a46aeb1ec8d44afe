using System.Globalization;
using Samverkan.Domain.Cases;

namespace Samverkan.Host.Dashboard;

/// <summary>
/// How the case page names what a timeline entry mentions: people and teams by display name, plan actions by what they
/// are, meetings by when, schools by name (null when the viewer may not see where the child goes to school).
/// </summary>
public sealed record TimelineNames(
    Func<string, string> Staff,
    Func<string, string> Team,
    Func<string, string?> Action,
    Func<string, DateTimeOffset?> Meeting,
    Func<string, string?> School)
{
    /// <summary>Ids as they are (for tests and when nothing is known).</summary>
    public static TimelineNames Ids { get; } = new(id => id, id => id, _ => null, _ => null, _ => null);
}

/// <summary>
/// A timeline entry worded in the dashboard's language from its facts (<see cref="TimelineEntry.Facts"/>), not from the
/// domain's English <see cref="TimelineEntry.Text"/>. An entry without facts (recorded before they were kept) has no
/// wording of its own in Swedish (its kind says what happened) and the domain's text in English.
/// </summary>
public static class TimelineWording
{
    public static string? Describe(DashboardText text, TimelineEntry entry, TimelineNames names)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(names);
        if (entry.Facts.IsDefaultOrEmpty)
        {
            return text.IsEnglish ? entry.Text : null;
        }

        string? Fact(string key) => entry.Fact(key);
        string Staff(string? id) => id is null ? "–" : names.Staff(id);
        string Staffs(string? ids) => ids is null ? "–" : string.Join(", ", ids.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(names.Staff));
        string Instant(string? value) =>
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? text.DateTime(at) : value ?? "–";
        string Date(string? value) =>
            DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on) ? text.Date(on) : value ?? "–";
        string Action(string? id) => id is null ? "–" : names.Action(id) is { } what ? Quote(text, what) : id;
        string Meeting(string? id) => id is not null && names.Meeting(id) is { } at ? text.DateTime(at) : "–";
        string Rules(string? ids)
        {
            var rules = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(text.Rule).ToArray();
            return rules.Length switch
            {
                0 => "–",
                1 => text.Format("tl.rule.one", rules[0]),
                _ => text.Format("tl.rule.many", string.Join(", ", rules[..^1]), rules[^1]),
            };
        }

        string Roles(string? roles) => roles is null ? "–" : string.Join(", ", roles.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(text.CaseRole));
        bool Late() => string.Equals(Fact(TimelineFacts.Late), "true", StringComparison.Ordinal);

        return entry.Kind switch
        {
            TimelineEntryKind.Opened => text.Format(
                "tl.opened", text.Kind(Fact(TimelineFacts.Kind) ?? "–"), text.Severity(Fact(TimelineFacts.Severity) ?? "–").ToLower(text.Culture),
                Rules(Fact(TimelineFacts.Rules)), Instant(Fact(TimelineFacts.Due))),
            TimelineEntryKind.SocialServicesNotIncluded =>
                text[Fact(TimelineFacts.Reason) == TimelineFacts.NoContact ? "tl.ssexcluded.nocontact" : "tl.ssexcluded.nobasis"],
            TimelineEntryKind.EvidenceAdded => text.Format("tl.evidence", Rules(Fact(TimelineFacts.Rules))),
            TimelineEntryKind.SeverityRaised => text.Format(
                "tl.severity", text.Severity(Fact(TimelineFacts.From) ?? "–").ToLower(text.Culture), text.Severity(Fact(TimelineFacts.To) ?? "–").ToLower(text.Culture)),
            TimelineEntryKind.ParticipantAdded => text.Format(
                Fact(TimelineFacts.Basis) is null ? "tl.participant" : "tl.participant.basis",
                Fact(TimelineFacts.Team) is { } team ? names.Team(team) : Staff(Fact(TimelineFacts.Staff)),
                text.ParticipantRole(Fact(TimelineFacts.Role) ?? "–").ToLower(text.Culture), text.Basis(Fact(TimelineFacts.Basis) ?? "–")),
            TimelineEntryKind.Acknowledged => text[Late() ? "tl.acknowledged.late" : "tl.acknowledged"],
            TimelineEntryKind.AcknowledgementOverdue when Fact(TimelineFacts.Staff) is { } staff => text.Format(
                "tl.alertescalated", Staff(staff), Fact(TimelineFacts.To) is { } to ? Staffs(to) : text["tl.alertescalated.noone"]),
            TimelineEntryKind.AcknowledgementOverdue => text.Format("tl.ackoverdue", Instant(Fact(TimelineFacts.Due))),
            TimelineEntryKind.StatusChanged => text.Format("tl.status", text.Status(Fact(TimelineFacts.From) ?? "–"), text.Status(Fact(TimelineFacts.To) ?? "–")),
            TimelineEntryKind.DecisionNotToAct => text.Format("tl.notact", text.Agency(Fact(TimelineFacts.Agency) ?? "–"), Fact(TimelineFacts.Note) ?? ""),
            TimelineEntryKind.Closed => text.Format(Fact(TimelineFacts.Note) is null ? "tl.closed" : "tl.closed.note", text.CloseReason(Fact(TimelineFacts.Reason) ?? "–"), Fact(TimelineFacts.Note)),
            TimelineEntryKind.LeadAssigned => text.Format(
                Fact(TimelineFacts.From) is null ? "tl.lead" : "tl.lead.handover", Staff(Fact(TimelineFacts.To)), text.Agency(Fact(TimelineFacts.Agency) ?? "–"),
                Staff(Fact(TimelineFacts.From))),
            TimelineEntryKind.PlanActionAdded => text.Format(
                "tl.action.added", Action(Fact(TimelineFacts.Action)), text.Agency(Fact(TimelineFacts.Agency) ?? "–"), Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlanActionUpdated => text.Format(
                Fact(TimelineFacts.Due) is null ? "tl.action.updated" : "tl.action.updated.due", Action(Fact(TimelineFacts.Action)),
                text.PlanStatus(Fact(TimelineFacts.Status) ?? "–").ToLower(text.Culture), Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlanActionOverdue => text.Format("tl.action.overdue", Action(Fact(TimelineFacts.Action)), Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlanActionEscalated => text.Format("tl.action.escalated", Action(Fact(TimelineFacts.Action)), Fact(TimelineFacts.Days) ?? "–"),
            TimelineEntryKind.MeetingScheduled => text.Format("tl.meeting.scheduled", Instant(Fact(TimelineFacts.At))),
            TimelineEntryKind.MeetingHeld => text.Format(
                Fact(TimelineFacts.FollowUp) is null ? "tl.meeting.held" : "tl.meeting.held.followup", Meeting(Fact(TimelineFacts.Meeting)),
                Fact(TimelineFacts.Attendees) is { Length: > 0 } attendees ? Staffs(attendees) : "–", Fact(TimelineFacts.Decisions) ?? "0", Date(Fact(TimelineFacts.FollowUp))),
            TimelineEntryKind.PlanAgreed => text.Format(
                Fact(TimelineFacts.Responsible) is null ? "tl.plan.agreed" : "tl.plan.agreed.responsible", Meeting(Fact(TimelineFacts.Meeting)),
                Staff(Fact(TimelineFacts.Responsible))),
            TimelineEntryKind.FollowUpDue => text.Format("tl.followup.due", Meeting(Fact(TimelineFacts.Meeting)), Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.RoleVacated => text.Format("tl.role.vacated", Staff(Fact(TimelineFacts.Staff)), Roles(Fact(TimelineFacts.Roles))),
            TimelineEntryKind.HandedOver => text.Format("tl.handedover", Staff(Fact(TimelineFacts.From)), Staff(Fact(TimelineFacts.To)), Roles(Fact(TimelineFacts.Roles))),
            TimelineEntryKind.SchoolChanged when Fact(TimelineFacts.To) == TimelineFacts.Elsewhere => text["tl.school.elsewhere"],
            TimelineEntryKind.SchoolChanged =>
                Fact(TimelineFacts.From) is { } from && Fact(TimelineFacts.To) is { } to && names.School(from) is { } fromName && names.School(to) is { } toName
                    ? text.Format("tl.school.changed", fromName, toName)
                    : text["tl.school.changed.hidden"],
            TimelineEntryKind.SipDeadlinePassed => text.Format("tl.sip.deadline", Instant(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlacementFollowUpHeld => text.Format(Late() ? "tl.placement.held.late" : "tl.placement.held", Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlacementFollowUpOverdue => text.Format("tl.placement.overdue", Date(Fact(TimelineFacts.Due))),
            TimelineEntryKind.PlacementFollowUpEscalated => text["tl.placement.escalated"],
            _ => text.IsEnglish ? entry.Text : null,
        };
    }

    private static string Quote(DashboardText text, string what) => text.IsEnglish ? $"\u201c{what}\u201d" : $"\u201d{what}\u201d";
}
