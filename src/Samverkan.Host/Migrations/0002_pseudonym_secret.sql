-- The pseudonym secret of a Development deployment that configures none (Samverkan:Identity:PseudonymSecret), so
-- every node of the database turns one personal identity number into the same key. One row: the first node to start
-- inserts a fresh secret (on conflict do nothing) and every node reads back the stored one. Production configures
-- its secret and never uses this table.

create table pseudonym_secret (
    id         boolean primary key default true check (id),  -- at most one row
    secret     bytea not null check (octet_length(secret) >= 32),
    created_at timestamptz not null default now()
);
