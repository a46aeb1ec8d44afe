-- Actors hosted as Orleans grains write their read-model rows after their state write, in numbered groups. The number
-- of the last group written is recorded here in the same transaction as the rows, so a group is written exactly once
-- even when the grain writes it again after a restart (it cannot know whether the first attempt committed).

create table actor_grain_marks (
    grain  text primary key,   -- {actor type}/{actor key}
    number bigint not null
);
