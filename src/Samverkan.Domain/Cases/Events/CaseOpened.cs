using System.Collections.Immutable;
using Samverkan.Domain.Common;
using Samverkan.Domain.Identity;
using Samverkan.Domain.Organisation;

namespace Samverkan.Domain.Cases.Events;

/// <summary>A joint case was opened.</summary>
public sealed record CaseOpened(CaseId Case, PseudonymousKey Child, DateTimeOffset At, CaseKind Kind, Severity Severity, MunicipalityCode? Municipality, SchoolId? School, DateTimeOffset AcknowledgementDueAt, ImmutableArray<ParticipantRef> Participants, ParticipantRef? ProposedLead) : CaseEvent(Case, Child, At);
