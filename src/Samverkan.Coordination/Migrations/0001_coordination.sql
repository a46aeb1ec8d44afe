-- Read models of the coordination actors. Written only by projectors, in the same transaction as the actor
-- state they reflect; read by the API, the dashboards and the access checks. Children appear by their
-- pseudonymous key only: no personal identity numbers, names or addresses are stored anywhere.

create table coord_municipalities (
    code          text primary key,
    name          text not null,
    region_code   text,
    rules_version int not null default 0,
    doc           jsonb not null,              -- MunicipalityState: rules, calendar, coordinator team
    updated_at    timestamptz not null default now()
);

create table coord_schools (
    school_id    text primary key,
    municipality text not null,
    name         text not null,
    organisation text not null,
    doc          jsonb not null,               -- School (student-health team, contact persons, rule overrides)
    updated_at   timestamptz not null default now()
);
create index coord_schools_municipality on coord_schools (municipality);

create table coord_teams (
    team_id      text primary key,
    municipality text,
    agency       text not null,
    organisation text not null,
    members      text[] not null default '{}', -- staff ids
    doc          jsonb not null,
    updated_at   timestamptz not null default now()
);
create index coord_teams_members on coord_teams using gin (members);

create table coord_staff (
    staff_id     text primary key,
    organisation text not null,
    agency       text not null,
    active       boolean not null,
    manager      text,
    doc          jsonb not null,               -- Staff (display name, roles)
    updated_at   timestamptz not null default now()
);

-- Which school a child is enrolled at, from when to when: the edge checks enrolment with it and the
-- access checks use it for "school staff see the children enrolled at their school".
create table coord_enrolments (
    child_key  text not null,
    school_id  text not null,
    from_date  date not null,
    to_date    date,
    primary key (child_key, school_id, from_date)
);
create index coord_enrolments_school on coord_enrolments (school_id);

create table coord_children (
    child_key          text primary key,
    municipality       text,
    school_id          text,
    named_person       text,
    protected_identity boolean not null default false,
    placed_in_care     boolean not null default false,
    watch_until        timestamptz,
    watch_owner        text,
    open_cases         int not null default 0,
    updated_at         timestamptz not null default now()
);
create index coord_children_school on coord_children (school_id);
create index coord_children_watch on coord_children (watch_owner) where watch_until is not null;

create table coord_concerns (
    concern_id       text primary key,
    child_key        text not null,
    municipality     text,
    school_id        text,
    category         text not null,
    reported_on      date not null,
    reporting_org    text not null,
    reporting_agency text not null,
    outcome          text,                     -- null: awaiting the social services' decision
    decided_at       timestamptz,
    updated_at       timestamptz not null default now()
);
create index coord_concerns_child on coord_concerns (child_key);
create index coord_concerns_school on coord_concerns (school_id) where outcome is null;

create table coord_cases (
    case_id            text primary key,
    child_key          text not null,
    municipality       text,
    school_id          text,
    kind               text not null,
    status             text not null,
    severity           text not null,
    opened_at          timestamptz not null,
    ack_due_at         timestamptz,
    acknowledged_at    timestamptz,
    closed_at          timestamptz,
    lead_staff         text,
    teams              text[] not null default '{}',
    staff              text[] not null default '{}',
    agencies           text[] not null default '{}',
    protected_identity boolean not null default false,
    evidence_count     int not null default 0,
    updated_at         timestamptz not null default now()
);
create index coord_cases_municipality on coord_cases (municipality, status);
create index coord_cases_school on coord_cases (school_id, status);
create index coord_cases_child on coord_cases (child_key);
create index coord_cases_teams on coord_cases using gin (teams);
create index coord_cases_staff on coord_cases using gin (staff);

-- Every version of a rule set, kept: who changed which thresholds, when and why.
create table coord_rule_changes (
    id           bigint generated always as identity primary key,
    municipality text not null,
    school_id    text,
    version      int not null,
    changed_by   text not null,
    changed_at   timestamptz not null,
    reason       text not null,
    rules        jsonb not null,
    unique (municipality, school_id, version)
);

-- Alerts delivered to a person's inbox, in delivery order (id): the alert stream resumes from the last id seen.
create table coord_alerts (
    id              bigint generated always as identity primary key,
    alert_key       text not null unique,
    staff_id        text not null,
    kind            text not null,
    severity        text not null,
    child_key       text not null,
    case_id         text,
    raised_at       timestamptz not null,
    text            jsonb,
    acknowledged_at timestamptz
);
create index coord_alerts_staff on coord_alerts (staff_id, id);
