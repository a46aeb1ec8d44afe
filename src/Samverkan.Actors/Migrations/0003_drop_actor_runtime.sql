-- The actor runtime on PostgreSQL is gone (issue 14): its actors run as Orleans grains, whose state is in
-- orleans_storage, whose deadlines are Orleans reminders, and whose messages wait in the sender's state (the outbox)
-- until the receiver has them. Its tables and its fencing function go with it. actor_grain_marks (0002) stays: the
-- grains record there which groups of read-model rows they wrote.

drop function if exists actor_fence(uuid, int[], bigint[]);
drop table if exists actor_dead_letters;
drop table if exists actor_requests;
drop table if exists actor_timers;
drop table if exists actor_mailbox;
drop table if exists actor_state;
drop table if exists actor_partitions;
drop table if exists actor_nodes;
drop table if exists actor_meta;
