using System.Text.Json.Serialization;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Cases.Events;

/// <summary>Something that happened to a case; the base of a closed set of events, serialized with a <c>type</c> discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CaseOpened), "case-opened")]
[JsonDerivedType(typeof(CaseEvidenceAdded), "case-evidence-added")]
[JsonDerivedType(typeof(CaseSeverityRaised), "case-severity-raised")]
[JsonDerivedType(typeof(CaseParticipantAdded), "case-participant-added")]
[JsonDerivedType(typeof(SocialServicesNotIncluded), "social-services-not-included")]
[JsonDerivedType(typeof(CaseAcknowledged), "case-acknowledged")]
[JsonDerivedType(typeof(CaseAcknowledgementOverdue), "case-acknowledgement-overdue")]
[JsonDerivedType(typeof(CaseStatusChanged), "case-status-changed")]
[JsonDerivedType(typeof(CaseClosed), "case-closed")]
[JsonDerivedType(typeof(DecisionNotToActRecorded), "decision-not-to-act-recorded")]
public abstract record CaseEvent(CaseId Case, PseudonymousKey Child, DateTimeOffset At);
