-- Case work (issue 8): read models of plans, meetings, vacancies, SIP and placement follow-ups per case, and of the
-- feedback owed to the reporters of concerns. Written only by projectors (Projections/CaseWorkProjectors.cs).

create table coord_case_work (
    case_id               text primary key,
    child_key             text not null,
    municipality          text,
    school_id             text,
    kind                  text not null,
    status                text not null,
    lead_staff            text,
    open_actions          int not null default 0,
    overdue_actions       int not null default 0,
    escalated_actions     int not null default 0,
    next_action_due       date,
    next_meeting_at       timestamptz,
    next_follow_up_on     date,
    plan_agreed_at        timestamptz,
    vacancies             int not null default 0,
    vacant_staff          text[] not null default '{}',
    sip_first_meeting_due timestamptz,
    sip_overdue           boolean not null default false,
    placement_next_due    date,
    placement_overdue     int not null default 0,
    placement_missed      int not null default 0,
    updated_at            timestamptz not null default now()
);

create index coord_case_work_municipality on coord_case_work (municipality);
create index coord_case_work_overdue on coord_case_work (municipality)
    where overdue_actions > 0 or vacancies > 0 or sip_overdue or placement_overdue > 0;

create table coord_concern_feedback (
    concern_id    text primary key,
    child_key     text not null,
    municipality  text,
    reporting_org text not null,
    due_at        timestamptz not null,
    reminder_at   timestamptz not null,
    reminded_at   timestamptz,
    overdue_at    timestamptz,
    given_at      timestamptz,
    given_by      text,
    updated_at    timestamptz not null default now()
);

create index coord_concern_feedback_open on coord_concern_feedback (municipality, due_at) where given_at is null;
