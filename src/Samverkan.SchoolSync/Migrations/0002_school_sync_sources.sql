-- SS 12000 sources registered through the API (docs/school-sync.md), besides those in configuration. The client secret
-- and the client certificate (PKCS #12) are protected with ASP.NET Core Data Protection (keys shared by the nodes) and
-- never returned; the certificate's thumbprint, subject and expiry are kept in clear for the operators' view.
create table school_sync_sources (
    source                  text primary key,
    municipality            text not null,
    organisation            text not null,
    base_url                text not null,
    token_url               text,
    client_id               text,
    scope                   text,
    client_secret           text,
    client_certificate      text,
    certificate_thumbprint  text,
    certificate_subject     text,
    certificate_not_after   timestamptz,
    school_units            text[] not null,
    poll_interval_seconds   integer not null,
    version                 integer not null default 1,
    created_at              timestamptz not null,
    updated_at              timestamptz not null
);
create index school_sync_sources_municipality on school_sync_sources (municipality);

-- The operators' view of a run: when it ended, and until when a request of the run under way waits (429/5xx backoff).
alter table school_sync_state
    add column last_finished timestamptz,
    add column backoff_until timestamptz;
