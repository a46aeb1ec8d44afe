-- The actor runtime's tables. Names and columns are contracts between nodes of different versions:
-- change them only with a new migration.

-- Settings fixed for the life of a deployment (the partition count).
create table actor_meta (
    key   text primary key,
    value text not null
);

-- Nodes register and heartbeat; a node whose heartbeat is older than the lease TTL is not live.
create table actor_nodes (
    node_id      uuid primary key,
    name         text not null,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null default now(),
    leaving      boolean not null default false
);

-- One row per partition: the lease. Every commit of a partition's work checks owner and epoch
-- (actor_fence) in the same transaction; a takeover bumps the epoch.
create table actor_partitions (
    partition        int primary key,
    owner            uuid,
    epoch            bigint not null default 0,
    lease_expires_at timestamptz not null default '-infinity'
);

-- Durable mailboxes. A row is deleted in the same transaction that commits its effects.
create table actor_mailbox (
    partition     int not null,
    seq           bigint generated always as identity,
    actor_type    text not null,
    actor_key     text not null,
    kind          text not null,
    payload       jsonb not null,
    request_id    text,
    expects_reply boolean not null default false,
    attempts      int not null default 0,
    enqueued_at   timestamptz not null default clock_timestamp(),
    trace_parent  text,
    primary key (partition, seq)
);

-- Deduplication keys and replies of requests. A send with a deduplication key, and every ask,
-- has a row here; a retry with the same key finds it and gets the same outcome.
create table actor_requests (
    request_id   text primary key,
    created_at   timestamptz not null default now(),
    completed_at timestamptz,
    reply_kind   text,
    reply        jsonb,
    error        text
);
create index actor_requests_created_at on actor_requests (created_at);

-- Persisted actor state (System.Text.Json in jsonb). state_version is the schema version of the
-- state type; version counts commits of this actor.
create table actor_state (
    actor_type    text not null,
    actor_key     text not null,
    partition     int not null,
    state_version int not null,
    version       bigint not null,
    state         jsonb not null,
    updated_at    timestamptz not null default now(),
    primary key (actor_type, actor_key)
);

-- Durable timers (reminders): fired as messages by the partition's owner when due.
create table actor_timers (
    actor_type text not null,
    actor_key  text not null,
    name       text not null,
    partition  int not null,
    due_at     timestamptz not null,
    kind       text not null,
    payload    jsonb not null,
    attempts   int not null default 0,
    primary key (actor_type, actor_key, name)
);
create index actor_timers_due on actor_timers (partition, due_at);

-- Messages that kept failing, with their error. Processing goes on without them.
create table actor_dead_letters (
    id          bigint generated always as identity primary key,
    partition   int not null,
    actor_type  text not null,
    actor_key   text not null,
    kind        text not null,
    payload     jsonb not null,
    request_id  text,
    attempts    int not null,
    error       text not null,
    enqueued_at timestamptz not null,
    failed_at   timestamptz not null default now()
);

-- The fencing check: raises SVF01 unless the caller still holds every given partition at the given epoch.
-- FOR KEY SHARE conflicts with the takeover's FOR UPDATE (so a takeover skips a partition whose commit is in
-- flight, or the commit sees the takeover) but not with the owner's lease renewal, which only updates the expiry.
create function actor_fence(node uuid, ps int[], eps bigint[]) returns void
language plpgsql as $$
declare
    held int;
begin
    select count(*) into held
      from (select 1
              from actor_partitions p
              join unnest(ps, eps) as u(partition, epoch)
                on p.partition = u.partition and p.epoch = u.epoch and p.owner = node
               for key share of p) as h;
    if held <> cardinality(ps) then
        raise exception 'a partition is no longer held at its epoch' using errcode = 'SVF01';
    end if;
end
$$;
