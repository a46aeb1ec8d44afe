using System.Collections.Immutable;
using Samverkan.Actors;
using Samverkan.Domain.Organisation;

namespace Samverkan.Coordination.Cases;

/// <summary>From an inbox: an alert of the case was escalated (its recipient did not acknowledge it in time). Kind is a persisted contract.</summary>
[ActorMessage("case.record-alert-escalated.v1")]
public sealed record RecordAlertEscalated(string AlertKey, StaffId NotAcknowledgedBy, ImmutableArray<StaffId> EscalatedTo);
