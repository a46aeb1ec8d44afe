using System.Collections.Immutable;
using Samverkan.Abstractions;
using Samverkan.Actors;
using Samverkan.Domain.Sharing;

namespace Samverkan.Coordination.Children;

// Consents and decisions not to share. Kinds are persisted contracts: change them only with a migration of stored messages.

/// <summary>Records a decision not to share (replies a <see cref="CommandResult"/> with its id).</summary>
[ActorMessage("child.record-decision-not-to-share.v1")]
public sealed record RecordDecisionNotToShare(DecisionNotToShare Decision);

/// <summary>Asks for the child's consents and decisions not to share (null when the child is unknown).</summary>
[ActorMessage("child.get-sharing.v1")]
public sealed record GetChildSharing;

/// <summary>The reply to <see cref="GetChildSharing"/>.</summary>
public sealed record ChildSharing(ImmutableArray<Consent> Consents, ImmutableArray<DecisionNotToShare> DecisionsNotToShare);
