using Samverkan.Actors.Projections;

namespace Samverkan.Coordination.Alerts;

/// <summary>
/// Emitted by the inbox right after an alert's <see cref="Projections.AlertRow"/>: queue the alert for every enabled
/// webhook of the recipient's organisation, in the same transaction as the alert (<c>coord_webhook_deliveries</c>).
/// </summary>
public sealed record WebhookOutboxRow(string AlertKey, DateTimeOffset DeliveredAt);

/// <summary>
/// Writes the webhook outbox. The body is fixed here, once, so every attempt posts (and signs) the same bytes. It holds
/// only what the recipient's organisation may see: ids, kind, severity, times and the expected action; the child's key
/// and the case id (which is made from the child's key) only when the child has no protected identity (otherwise the
/// alert id alone: the recipient opens it with <c>GET /api/v1/alerts/{id}</c>); never names, schools, addresses or placements.
/// </summary>
public sealed class WebhookOutboxProjector : Projector<WebhookOutboxRow>
{
    private const string Sql = """
        insert into coord_webhook_deliveries (delivery_id, organisation, webhook_id, alert_id, body, next_attempt_at, created_at)
        select d.id, w.organisation, w.webhook_id, a.id,
               jsonb_build_object(
                   'deliveryId', d.id,
                   'type', 'alert',
                   'alertId', a.id,
                   'kind', a.kind,
                   'severity', a.severity,
                   'caseId', case when coalesce(ch.protected_identity, true) or coalesce(c.protected_identity, false) then null else a.case_id end,
                   'childKey', case when coalesce(ch.protected_identity, true) or coalesce(c.protected_identity, false) then null else a.child_key end,
                   'expectedAction', a.text,
                   'escalation', a.alert_key like '%/escalated/%',
                   'raisedAt', a.raised_at,
                   'deliveredAt', $2::timestamptz)::text,
               $2, $2
          from coord_alerts a
          join coord_staff s on s.staff_id = a.staff_id
          join coord_webhooks w on w.organisation = s.organisation and w.enabled
          left join coord_children ch on ch.child_key = a.child_key
          left join coord_cases c on c.case_id = a.case_id
          cross join lateral (select gen_random_uuid() as id) d
         where a.alert_key = $1
        on conflict (organisation, webhook_id, alert_id) do nothing
        """;

    protected override void Write(IReadOnlyList<WebhookOutboxRow> rows, ProjectionWriter writer)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var row in rows)
        {
            writer.Add(Sql, row.AlertKey, row.DeliveredAt);
        }
    }
}
