-- The municipality and the school are Orleans grains. Their read-model rows are written after the grain's state write
-- (not in one transaction with it), and written again after a new activation or a failed write; each row carries the
-- version of the grain state it was made from, and an upsert never replaces a row of a higher version.
-- Rows written by the old actors keep version 0 until their grain writes them.

alter table coord_municipalities add column version bigint not null default 0;
alter table coord_schools add column version bigint not null default 0;
