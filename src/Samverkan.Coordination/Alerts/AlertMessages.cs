using Samverkan.Actors;
using Samverkan.Domain.Common;

namespace Samverkan.Coordination.Alerts;

// Messages of alert delivery. Kinds are persisted contracts.

/// <summary>To a team: deliver the alert to each member's inbox.</summary>
[ActorMessage("team.fan-out-alert.v1")]
public sealed record FanOutAlert(AlertRequest Alert, string AlertKey);

/// <summary>To a person's inbox.</summary>
/// <param name="Alert">What the alert is about.</param>
/// <param name="AlertKey">Unique per recipient; a second delivery with the same key changes nothing.</param>
/// <param name="EscalatedFrom">Set on an escalation: the key of the alert that was not acknowledged in time (an escalation does not escalate again).</param>
[ActorMessage("inbox.deliver.v1")]
public sealed record DeliverAlert(AlertRequest Alert, string AlertKey, string? EscalatedFrom = null);

[ActorMessage("inbox.acknowledge.v1")]
public sealed record AcknowledgeAlert(string AlertKey);

/// <summary>The inbox's own durable timer <c>escalate:{alert key}</c>: the alert's acknowledgement deadline passed.</summary>
[ActorMessage("inbox.escalate.v1")]
public sealed record EscalateAlert(string AlertKey, AlertRequest Alert);
