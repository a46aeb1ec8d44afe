using System.Text.Json.Serialization;
using Samverkan.Domain.Identity;

namespace Samverkan.Domain.Children.Events;

/// <summary>Something that happened to a child; the base of a closed set of events, serialized with a <c>type</c> discriminator.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AbsenceRecorded), "absence-recorded")]
[JsonDerivedType(typeof(RuleFired), "rule-fired")]
[JsonDerivedType(typeof(RuleRearmed), "rule-rearmed")]
[JsonDerivedType(typeof(ConcernReported), "concern-reported")]
[JsonDerivedType(typeof(ConcernOutcomeRecorded), "concern-outcome-recorded")]
[JsonDerivedType(typeof(WatchStarted), "watch-started")]
[JsonDerivedType(typeof(WatchExtended), "watch-extended")]
[JsonDerivedType(typeof(WatchExpired), "watch-expired")]
[JsonDerivedType(typeof(ConsentRecorded), "consent-recorded")]
[JsonDerivedType(typeof(ConsentWithdrawn), "consent-withdrawn")]
[JsonDerivedType(typeof(ChildProfileUpdated), "child-profile-updated")]
[JsonDerivedType(typeof(SharingDeclined), "sharing-declined")]
[JsonDerivedType(typeof(ConcernsCulled), "concerns-culled")]
public abstract record ChildEvent(PseudonymousKey Child, DateTimeOffset At);
