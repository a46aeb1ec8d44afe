using System.Collections.Immutable;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases;

/// <summary>What the case's timeline records of its alerts (pure; the inbox tells the case, the case decides).</summary>
public static class CaseAlertTimeline
{
    /// <summary>
    /// An alert of the case was not acknowledged by its recipient in time and was escalated: a timeline entry every
    /// participant sees (kind <see cref="TimelineEntryKind.AcknowledgementOverdue"/>, by the recipient who did not
    /// acknowledge). Staff ids only; nothing about the child. A closed case records nothing more.
    /// </summary>
    public static CaseDecision RecordEscalation(CaseState state, StaffId notAcknowledgedBy, ImmutableArray<StaffId> escalatedTo, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status == CaseStatus.Closed)
        {
            return new CaseDecision { NewState = state, IsUnchanged = true };
        }

        var to = escalatedTo.IsDefaultOrEmpty ? "no one (no manager or second contact person is known)" : string.Join(", ", escalatedTo.Select(s => s.Value));
        var entry = new TimelineEntry(now, TimelineEntryKind.AcknowledgementOverdue, notAcknowledgedBy, $"An alert to {notAcknowledgedBy.Value} was not acknowledged in time; escalated to {to}.")
            .With((TimelineFacts.Staff, notAcknowledgedBy.Value), (TimelineFacts.To, escalatedTo.IsDefaultOrEmpty ? null : string.Join(",", escalatedTo.Select(s => s.Value))));
        return new CaseDecision { NewState = state with { Timeline = state.Timeline.Add(entry) } };
    }
}
