-- The SS 12000 pull connector (docs/school-sync.md). No personal data: the source's ids (UUIDs), pseudonymous keys,
-- the protected-identity flag, dates and roles. Never a civic number, never a pupil's name.

-- Where each listing of a source continues: meta.modified.after for the next pull of that kind (and school unit),
-- advanced only once everything up to it was stored.
create table school_sync_watermarks (
    source     text not null,
    kind       text not null,
    watermark  timestamptz not null,
    updated_at timestamptz not null default now(),
    primary key (source, kind)
);

-- A source's pupils: the SS 12000 person id and the key its civic number derived (the number itself is not kept), the
-- protected-identity flag (written with every write of the child) and the enrolments the person record gave.
create table school_sync_pupils (
    source      text not null,
    person_id   text not null,
    child_key   text not null,
    protected   boolean not null,
    home        text not null,
    enrolments  jsonb not null default '[]',
    ended_on    date,
    modified_at timestamptz not null,
    primary key (source, person_id)
);

-- Placements (preschool, after-school care) of a source: each gives its child an enrolment at the unit.
create table school_sync_placements (
    source       text not null,
    placement_id text not null,
    person_id    text not null,
    school_unit  text not null,
    from_date    date not null,
    to_date      date,
    primary key (source, placement_id)
);
create index school_sync_placements_person on school_sync_placements (source, person_id);

-- Duties of a source: who works where in which role; the school's student-health team is derived from them.
create table school_sync_duties (
    source       text not null,
    duty_id      text not null,
    person_id    text not null,
    display_name text not null,
    school_unit  text not null,
    duty_role    text not null,
    health_team  boolean not null,
    from_date    date not null,
    to_date      date,
    primary key (source, duty_id)
);
create index school_sync_duties_unit on school_sync_duties (source, school_unit);

-- The school units a source's organisations listing gave (their display name names the student-health team).
create table school_sync_units (
    source       text not null,
    unit_id      text not null,
    display_name text not null,
    primary key (source, unit_id)
);

-- Each source's last run, as operators see it (no personal data).
create table school_sync_state (
    source          text primary key,
    last_started    timestamptz,
    last_success    timestamptz,
    last_error      text,
    last_error_at   timestamptz,
    items           jsonb not null default '{}'
);
