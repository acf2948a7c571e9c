-- Scans on a schedule (POST /api/schedules). `request` is the scan request as the REST API takes it, so a
-- scheduled scan is validated exactly like a submitted one. Each due time fires once however many API
-- instances run: an instance claims a due row (for update skip locked) and moves next_run_at past now in
-- the same transaction; the scan's request_id (schedule and slot) guards the rest.
create table schedules (
    id            uuid        primary key,
    name          text,
    request       jsonb       not null,
    cron          text,
    time_zone     text        not null default 'UTC',
    interval_ms   bigint,
    overlap       text        not null default 'skip' check (overlap in ('skip', 'queue')),
    enabled       boolean     not null default true,
    next_run_at   timestamptz,
    last_run_at   timestamptz,
    last_scan_id  uuid,
    last_outcome  text,
    created_by    text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    check ((cron is null) <> (interval_ms is null))
);
create index schedules_due on schedules (next_run_at) where enabled;

alter table scans add column schedule_id uuid references schedules (id) on delete set null;
create index scans_schedule on scans (schedule_id, created_at) where schedule_id is not null;

-- a scheduled scan says so
alter table scans drop constraint scans_source_check;
alter table scans add constraint scans_source_check check (source in ('rest', 'kafka', 'schedule'));
