-- How many steps of a scan may run at once (profile or request); null: no cap.
alter table scans add column max_parallel int;

-- One row per attempt of a step: who ran it, when, and how it ended. A step is retried (bounded) when
-- its container vanished or the infrastructure failed under it; every attempt stays on record.
create table step_attempts (
    step_id      uuid        not null references scan_steps (id) on delete cascade,
    attempt      int         not null,
    worker       text        not null,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    outcome      text,
    error        text,
    primary key (step_id, attempt)
);

-- the claim's fairness and caps look at running steps per scan and per account
create index scan_steps_running_scan on scan_steps (scan_id) where status = 'running';
create index scans_aws_profile on scans (aws_profile);
