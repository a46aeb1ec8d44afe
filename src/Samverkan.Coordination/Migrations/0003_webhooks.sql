-- Webhooks: organisations whose own systems want their staff's alerts, and the outbox of deliveries to them.
--
-- A delivery row is written by the alert's projector in the same transaction as the alert itself (coord_alerts), so
-- an alert is never committed without its deliveries nor the other way round. The host's delivery worker (any node)
-- claims due rows with `for update skip locked`, posts them, and records the outcome. Bodies contain no personal data.

create table coord_webhooks (
    organisation text not null,
    webhook_id   text not null,
    url          text not null,
    secret       text not null,                -- protected by the host (ASP.NET Core data protection); never returned
    enabled      boolean not null default true,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (organisation, webhook_id)
);

create table coord_webhook_deliveries (
    id              bigint generated always as identity primary key,
    delivery_id     uuid not null unique,      -- Samverkan-Delivery-Id: the same on every attempt; receivers deduplicate on it
    organisation    text not null,
    webhook_id      text not null,
    alert_id        bigint not null,           -- coord_alerts.id
    body            text not null,             -- the exact JSON posted (and signed) on every attempt
    status          text not null default 'pending', -- pending, delivered, failed
    attempts        int not null default 0,
    next_attempt_at timestamptz not null,
    last_status     int,                       -- the receiver's last HTTP status, if it answered
    last_error      text,                      -- a short reason (no response bodies)
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (organisation, webhook_id, alert_id),
    foreign key (organisation, webhook_id) references coord_webhooks on delete cascade
);
create index coord_webhook_deliveries_due on coord_webhook_deliveries (next_attempt_at) where status = 'pending';
create index coord_webhook_deliveries_webhook on coord_webhook_deliveries (organisation, webhook_id, id);
