-- The schema of Orleans' ADO.NET providers (clustering, grain persistence, reminders) on PostgreSQL, ours.
--
-- The providers issue no SQL of their own: at start-up each reads "SELECT QueryKey, QueryText FROM OrleansQuery" and
-- runs those texts with named parameters (@DeploymentId, ...). They read result columns by name, and a few answers as
-- one value (a version, or a count where > 0 means true). That is the whole contract; the tables behind the texts are
-- ours to shape, so they follow our naming and carry the keys PostgreSQL needs (the public storage table has none).
-- Parameters are cast where PostgreSQL could not tell their type (an untyped null).

create table orleansquery (
    querykey  varchar(64) primary key,
    querytext text not null
);

---------------------------------------------------------------------------------------------------------------------
-- Clustering: one version row per deployment (the membership table's optimistic-concurrency token) and one row per
-- silo incarnation (address, port, generation). Every change to a silo row bumps the version in the same transaction.

create table orleans_membership_version (
    deployment_id varchar(150) primary key,
    changed_at    timestamptz not null default now(),
    version       integer not null default 0
);

create table orleans_membership (
    deployment_id  varchar(150) not null references orleans_membership_version (deployment_id) on delete cascade,
    address        varchar(45) not null,
    port           integer not null,
    generation     integer not null,
    silo_name      varchar(150) not null,
    host_name      varchar(150) not null,
    status         integer not null,
    proxy_port     integer,
    suspect_times  text,
    start_time     timestamptz not null,
    i_am_alive     timestamptz not null,
    primary key (deployment_id, address, port, generation)
);

-- Inserts a silo row and bumps the version, both or neither: true only when the version was the one given.
create function orleans_insert_member(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text,
    p_status integer, p_proxy_port integer, p_start_time timestamptz, p_i_am_alive timestamptz, p_version integer)
returns integer language plpgsql as $$
begin
    update orleans_membership_version set version = version + 1, changed_at = now()
     where deployment_id = p_deployment and version = p_version;
    if not found then
        return 0;
    end if;
    insert into orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                    start_time, i_am_alive)
    values (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
            p_start_time, p_i_am_alive)
    on conflict do nothing;
    if not found then
        raise exception using errcode = 'P0001', message = 'orleans: silo row exists';
    end if;
    return 1;
exception when raise_exception then
    return 0; -- the block's changes (the version bump) are rolled back
end $$;

-- Updates a silo row (status, suspicions, liveness) and bumps the version, both or neither.
create function orleans_update_member(
    p_deployment text, p_address text, p_port integer, p_generation integer, p_status integer, p_suspect_times text,
    p_i_am_alive timestamptz, p_version integer)
returns integer language plpgsql as $$
begin
    update orleans_membership_version set version = version + 1, changed_at = now()
     where deployment_id = p_deployment and version = p_version;
    if not found then
        return 0;
    end if;
    update orleans_membership set status = p_status, suspect_times = p_suspect_times, i_am_alive = p_i_am_alive
     where deployment_id = p_deployment and address = p_address and port = p_port and generation = p_generation;
    if not found then
        raise exception using errcode = 'P0001', message = 'orleans: no such silo row';
    end if;
    return 1;
exception when raise_exception then
    return 0;
end $$;

insert into orleansquery (querykey, querytext) values
('InsertMembershipVersionKey', $q$
    with inserted as (
        insert into orleans_membership_version (deployment_id) values (@DeploymentId::varchar) on conflict do nothing returning 1)
    select count(*)::integer from inserted
$q$),
('InsertMembershipKey', $q$
    select orleans_insert_member(@DeploymentId::varchar, @Address::varchar, @Port::integer, @Generation::integer,
        @SiloName::varchar, @HostName::varchar, @Status::integer, @ProxyPort::integer, @StartTime::timestamptz,
        @IAmAliveTime::timestamptz, @Version::integer)
$q$),
('UpdateMembershipKey', $q$
    select orleans_update_member(@DeploymentId::varchar, @Address::varchar, @Port::integer, @Generation::integer,
        @Status::integer, @SuspectTimes::text, @IAmAliveTime::timestamptz, @Version::integer)
$q$),
-- Liveness only: not a membership change, so no version bump (the protocol expects it never to fail).
('UpdateIAmAlivetimeKey', $q$
    update orleans_membership set i_am_alive = @IAmAliveTime::timestamptz
     where deployment_id = @DeploymentId::varchar and address = @Address::varchar and port = @Port::integer
       and generation = @Generation::integer
$q$),
-- The version row always comes back (a left join), so the version is known even before any silo row exists.
('MembershipReadRowKey', $q$
    select v.deployment_id as "DeploymentId", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
           m.suspect_times as "SuspectTimes", m.start_time as "StartTime", m.i_am_alive as "IAmAliveTime",
           v.version as "Version"
      from orleans_membership_version v
      left join orleans_membership m on m.deployment_id = v.deployment_id and m.address = @Address::varchar
           and m.port = @Port::integer and m.generation = @Generation::integer
     where v.deployment_id = @DeploymentId::varchar
$q$),
('MembershipReadAllKey', $q$
    select v.deployment_id as "DeploymentId", m.address as "Address", m.port as "Port", m.generation as "Generation",
           m.silo_name as "SiloName", m.host_name as "HostName", m.status as "Status", m.proxy_port as "ProxyPort",
           m.suspect_times as "SuspectTimes", m.start_time as "StartTime", m.i_am_alive as "IAmAliveTime",
           v.version as "Version"
      from orleans_membership_version v
      left join orleans_membership m on m.deployment_id = v.deployment_id
     where v.deployment_id = @DeploymentId::varchar
$q$),
('DeleteMembershipTableEntriesKey', $q$
    delete from orleans_membership_version where deployment_id = @DeploymentId::varchar
$q$),
('GatewaysQueryKey', $q$
    select address as "Address", proxy_port as "ProxyPort", generation as "Generation"
      from orleans_membership
     where deployment_id = @DeploymentId::varchar and status = @Status::integer and proxy_port > 0
$q$),
-- Rows of silos that stopped sending liveness before the given time and are not active (3 = Active).
('CleanupDefunctSiloEntriesKey', $q$
    delete from orleans_membership
     where deployment_id = @DeploymentId::varchar and i_am_alive < @IAmAliveTime::timestamptz and status <> 3
$q$);

---------------------------------------------------------------------------------------------------------------------
-- Grain state: one row per (service, grain type, grain id), the version its ETag. A first write inserts version 1 and
-- loses to a concurrent first write (the key); later writes win only from the version they read. A write that does not
-- take answers the version it was given, which the provider reports as an inconsistent state.

create table orleans_storage (
    service_id     varchar(150) not null,
    grain_type     varchar(512) not null,
    grain_id_n0    bigint not null,
    grain_id_n1    bigint not null,
    grain_key_ext  varchar(512) not null default '',  -- the grain id's string key; '' for none
    grain_type_hash integer not null,
    grain_id_hash  integer not null,
    payload        bytea,
    modified_at    timestamptz not null default now(),
    version        integer not null,
    primary key (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key_ext)
);

insert into orleansquery (querykey, querytext) values
('WriteToStorageKey', $q$
    with updated as (
        update orleans_storage set payload = @PayloadBinary::bytea, modified_at = now(), version = version + 1
         where @GrainStateVersion::integer is not null
           and service_id = @ServiceId::varchar and grain_type = @GrainTypeString::varchar
           and grain_id_n0 = @GrainIdN0::bigint and grain_id_n1 = @GrainIdN1::bigint
           and grain_key_ext = coalesce(@GrainIdExtensionString::varchar, '') and version = @GrainStateVersion::integer
        returning version),
    inserted as (
        insert into orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key_ext, grain_type_hash,
                                     grain_id_hash, payload, version)
        select @ServiceId::varchar, @GrainTypeString::varchar, @GrainIdN0::bigint, @GrainIdN1::bigint,
               coalesce(@GrainIdExtensionString::varchar, ''), @GrainTypeHash::integer, @GrainIdHash::integer,
               @PayloadBinary::bytea, 1
         where @GrainStateVersion::integer is null
        on conflict do nothing
        returning version)
    select coalesce((select version from updated), (select version from inserted), @GrainStateVersion::integer)
           as "NewGrainStateVersion"
$q$),
('ReadFromStorageKey', $q$
    select payload as "PayloadBinary", version as "Version"
      from orleans_storage
     where service_id = @ServiceId::varchar and grain_type = @GrainTypeString::varchar
       and grain_id_n0 = @GrainIdN0::bigint and grain_id_n1 = @GrainIdN1::bigint
       and grain_key_ext = coalesce(@GrainIdExtensionString::varchar, '')
$q$),
('ClearStorageKey', $q$
    update orleans_storage set payload = null, modified_at = now(), version = version + 1
     where service_id = @ServiceId::varchar and grain_type = @GrainTypeString::varchar
       and grain_id_n0 = @GrainIdN0::bigint and grain_id_n1 = @GrainIdN1::bigint
       and grain_key_ext = coalesce(@GrainIdExtensionString::varchar, '') and version = @GrainStateVersion::integer
    returning version as "NewGrainStateVersion"
$q$),
('DeleteStorageKey', $q$
    delete from orleans_storage
     where service_id = @ServiceId::varchar and grain_type = @GrainTypeString::varchar
       and grain_id_n0 = @GrainIdN0::bigint and grain_id_n1 = @GrainIdN1::bigint
       and grain_key_ext = coalesce(@GrainIdExtensionString::varchar, '') and version = @GrainStateVersion::integer
    returning version + 1 as "NewGrainStateVersion"
$q$);

---------------------------------------------------------------------------------------------------------------------
-- Reminders: one row per (service, grain, name), spread over the silos' hash ranges by the grain's hash.

create table orleans_reminders (
    service_id    varchar(150) not null,
    grain_id      varchar(150) not null,
    reminder_name varchar(150) not null,
    start_time    timestamptz not null,
    period_ms     bigint not null,
    grain_hash    integer not null,
    version       integer not null default 0,
    primary key (service_id, grain_id, reminder_name)
);
create index orleans_reminders_hash on orleans_reminders (service_id, grain_hash);

insert into orleansquery (querykey, querytext) values
('UpsertReminderRowKey', $q$
    insert into orleans_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash)
    values (@ServiceId::varchar, @GrainId::varchar, @ReminderName::varchar, @StartTime::timestamptz, @Period::bigint,
            @GrainHash::integer)
    on conflict (service_id, grain_id, reminder_name) do update
       set start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
           version = orleans_reminders.version + 1
    returning version as "Version"
$q$),
('ReadReminderRowsKey', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period_ms as "Period",
           version as "Version"
      from orleans_reminders where service_id = @ServiceId::varchar and grain_id = @GrainId::varchar
$q$),
('ReadReminderRowKey', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period_ms as "Period",
           version as "Version"
      from orleans_reminders
     where service_id = @ServiceId::varchar and grain_id = @GrainId::varchar and reminder_name = @ReminderName::varchar
$q$),
-- A silo's range (BeginHash, EndHash] of the ring; the second form is a range that wraps around.
('ReadRangeRows1Key', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period_ms as "Period",
           version as "Version"
      from orleans_reminders
     where service_id = @ServiceId::varchar and grain_hash > @BeginHash::integer and grain_hash <= @EndHash::integer
$q$),
('ReadRangeRows2Key', $q$
    select grain_id as "GrainId", reminder_name as "ReminderName", start_time as "StartTime", period_ms as "Period",
           version as "Version"
      from orleans_reminders
     where service_id = @ServiceId::varchar and (grain_hash > @BeginHash::integer or grain_hash <= @EndHash::integer)
$q$),
('DeleteReminderRowKey', $q$
    with deleted as (
        delete from orleans_reminders
         where service_id = @ServiceId::varchar and grain_id = @GrainId::varchar
           and reminder_name = @ReminderName::varchar and version = @Version::integer
        returning 1)
    select count(*)::integer from deleted
$q$),
('DeleteReminderRowsKey', $q$
    delete from orleans_reminders where service_id = @ServiceId::varchar
$q$);
