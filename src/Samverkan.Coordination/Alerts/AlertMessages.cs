using Samverkan.Actors;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination.Alerts;

// Messages of alert delivery. Kinds are persisted contracts.

/// <summary>To a team: deliver the alert to each member's inbox.</summary>
[ActorMessage("team.fan-out-alert.v1")]
public sealed record FanOutAlert(AlertRequest Alert, string AlertKey);

/// <summary>To a person's inbox.</summary>
[ActorMessage("inbox.deliver.v1")]
public sealed record DeliverAlert(AlertRequest Alert, string AlertKey);

[ActorMessage("inbox.acknowledge.v1")]
public sealed record AcknowledgeAlert(string AlertKey);
