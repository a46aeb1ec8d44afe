-- Actors hosted as Orleans grains write their read-model rows after their state write, in numbered groups. The number
-- of the last group written is recorded here in the same transaction as the rows, so a group is written exactly once
-- even when the grain writes it again after a restart (it cannot know whether the first attempt committed).

create table actor_grain_marks (
    grain  text primary key,   -- {actor type}/{actor key}
    number bigint not null
);

-- The state of every grain as readable JSON (grain storage writes System.Text.Json): for operators and for the few
-- reads the host makes across many actors at once (the absence records an ingest batch is classified against).
create index orleans_storage_by_key on orleans_storage (grain_type, grain_key_ext);

create view actor_grain_state as
select grain_type as actor_type,
       grain_key_ext as actor_key,
       (convert_from(payload, 'UTF8')::jsonb ->> 'version')::bigint as version,
       convert_from(payload, 'UTF8')::jsonb -> 'state' as state
  from orleans_storage
 where payload is not null;
