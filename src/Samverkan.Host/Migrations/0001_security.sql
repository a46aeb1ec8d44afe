-- The host's security tables: the audit log (append-only, hash-chained), its chain head, audit anomalies, and the
-- data-protection key ring shared by all nodes.
--
-- Roles. Production runs migrations as an owner role and the application as a separate role that does not own these
-- tables and is granted only:
--     grant select, insert on audit_log to samverkan_app;
--     grant select, update on audit_chain_head to samverkan_app;
--     grant select, insert on audit_anomalies, dataprotection_keys to samverkan_app;
-- (see docs/security.md). It then cannot update, delete or truncate audit rows, nor disable the triggers below. The
-- triggers also refuse changes by the owner (which the application is when it connects as the owner, as in
-- development): only a deliberate `alter table ... disable trigger` by the owner or a superuser gets past them, and
-- the hash chain shows what was changed.

create table audit_log (
    seq          bigint primary key,            -- 1, 2, 3, … without gaps: a gap means deleted rows
    at           timestamptz not null,          -- when the access happened
    staff_id     text not null,
    organisation text not null,
    municipality text not null,
    child_key    text,                          -- null for accesses to no one child's data
    action       text not null,                 -- read, write, list, export, review
    purpose      text not null,
    resource     text not null,                 -- method and route pattern
    request_id   text,
    trace_id     text,
    prev_hash    bytea not null,                -- the previous row's hash (32 zero bytes for the first)
    hash         bytea not null                 -- sha256(prev_hash || canonical content), computed by the host
);
create index audit_log_child on audit_log (child_key, seq) where child_key is not null;
create index audit_log_staff_at on audit_log (staff_id, at);

-- The end of the chain. Writers lock this one row (`for update`), so appends from every node form one chain.
create table audit_chain_head (
    id   boolean primary key default true check (id),
    seq  bigint not null,
    hash bytea not null
);
insert into audit_chain_head (id, seq, hash) values (true, 0, decode(repeat('00', 32), 'hex'));

create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% on % refused: the audit log is append-only', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_refuse_change();

-- The head only moves forward, and is never removed.
create function audit_chain_head_forward() returns trigger language plpgsql as $$
begin
    if tg_op <> 'UPDATE' or new.seq <= old.seq then
        raise exception 'the audit chain head only moves forward' using errcode = 'insufficient_privilege';
    end if;
    return new;
end
$$;

create trigger audit_chain_head_forward before update or delete on audit_chain_head
    for each row execute function audit_chain_head_forward();
create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
    for each statement execute function audit_refuse_change();

revoke update, delete, truncate on audit_log from public;
revoke delete, truncate on audit_chain_head from public;

-- Users who opened unusually many distinct children's records within the sliding window.
create table audit_anomalies (
    id                bigint generated always as identity primary key,
    detected_at       timestamptz not null,
    staff_id          text not null,
    organisation      text not null,
    municipality      text not null,
    distinct_children int not null,
    window_seconds    int not null,
    threshold         int not null
);
create index audit_anomalies_staff on audit_anomalies (staff_id, detected_at);
create index audit_anomalies_municipality on audit_anomalies (municipality, detected_at);

-- ASP.NET Core data-protection keys (session cookies), shared by every node.
create table dataprotection_keys (
    id            bigint generated always as identity primary key,
    friendly_name text not null,
    xml           text not null,
    created_at    timestamptz not null default now()
);
