-- Effects of the test actors, written by projectors in the same transaction as the actor's state.
-- Deliberately without unique constraints: duplicates must be visible, not refused.
create table test_effects (
    actor_key    text not null,
    seq          bigint not null,
    node         text not null,
    committed_at timestamptz not null default clock_timestamp()
);
create index test_effects_actor on test_effects (actor_key, seq);

create table test_violations (
    actor_key text not null,
    expected  bigint not null,
    got       bigint not null
);

create table test_timer_fired (
    actor_key text not null,
    tag       text not null,
    fired_at  timestamptz not null default clock_timestamp()
);
