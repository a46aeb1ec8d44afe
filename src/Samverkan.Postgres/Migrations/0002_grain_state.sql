-- The state of every actor grain as readable JSON (the grains' storage writes System.Text.Json: Samverkan.Actors'
-- ActorGrainState, whose `state` is the actor's own document): for operators, and for the few reads the host makes
-- across many actors at once (the absence records an ingest batch is classified against). A grain whose state was
-- deleted (retention) is not in it.

create index orleans_storage_by_key on orleans_storage (grain_type, grain_key_ext);

create view actor_grain_state as
select grain_type as actor_type,
       grain_key_ext as actor_key,
       (convert_from(payload, 'UTF8')::jsonb ->> 'version')::bigint as version,
       convert_from(payload, 'UTF8')::jsonb -> 'state' as state
  from orleans_storage
 where payload is not null
   and jsonb_typeof(convert_from(payload, 'UTF8')::jsonb -> 'state') is distinct from 'null';

-- An actor grain's durable timers (due by the service's clock) and its messages not yet acknowledged by their receivers.
create view actor_grain_timers as
select s.grain_type as actor_type, s.grain_key_ext as actor_key, t.key as name, (t.value ->> 'dueAt')::timestamptz as due_at
  from orleans_storage s, jsonb_each(coalesce(convert_from(s.payload, 'UTF8')::jsonb -> 'timers', '{}'::jsonb)) t
 where s.payload is not null;

create view actor_grain_outbox as
select s.grain_type as actor_type, s.grain_key_ext as actor_key, o ->> 'effectId' as effect_id, o ->> 'kind' as kind, o ->> 'payload' as payload
  from orleans_storage s, jsonb_array_elements(coalesce(convert_from(s.payload, 'UTF8')::jsonb -> 'outbox', '[]'::jsonb)) o
 where s.payload is not null;
