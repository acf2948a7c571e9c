-- One row per scan. Its status is derived from its steps (see ScanStatus); counts are recomputed
-- from the findings table whenever a step's findings are stored.
create table scans (
    id               uuid primary key,
    profile          text        not null,
    aws_profile      text        not null,
    severity_filter  text[]      not null default '{}',
    status           text        not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
    source           text        not null check (source in ('rest', 'kafka')),
    -- the id of the request that created the scan (CloudEvent id, or topic-partition-offset), so that a
    -- request delivered twice creates one scan
    request_id       text unique,
    created_at       timestamptz not null,
    started_at       timestamptz,
    completed_at     timestamptz,
    findings_total   int         not null default 0,
    findings_critical int        not null default 0,
    findings_high    int         not null default 0,
    findings_medium  int         not null default 0,
    findings_low     int         not null default 0,
    findings_info    int         not null default 0,
    findings_needs_review int    not null default 0,
    findings_suppressed   int    not null default 0
);
create index scans_status_created on scans (status, created_at desc);
create index scans_created on scans (created_at desc);

-- One row per tool of a scan. The plan is fixed at creation; owner/lease_until/attempt belong to the
-- worker that claimed it (guarded UPDATEs mirror StepStatus' transition table).
create table scan_steps (
    id              uuid primary key,
    scan_id         uuid        not null references scans (id) on delete cascade,
    tool            text        not null,
    position        int         not null,
    status          text        not null check (status in ('queued', 'running', 'reporting', 'succeeded', 'failed', 'cancelled')),
    plan            jsonb       not null,
    attempt         int         not null default 0,
    owner           text,
    lease_until     timestamptz,
    -- the Docker engine (its ID) the container runs on, so a sweeper only adopts containers it can see
    docker_host     text,
    execution_id    text,
    container_name  text,
    container_id    text,
    exit_code       int,
    oom_killed      boolean,
    log_tail        text,
    error           text,
    note            text,
    findings_count  int,
    queued_at       timestamptz not null,
    started_at      timestamptz,
    container_started_at timestamptz,
    container_finished_at timestamptz,
    completed_at    timestamptz,
    unique (scan_id, tool)
);
create index scan_steps_scan on scan_steps (scan_id);
-- the sweepers' queries: queued steps by age, running steps by lease, reporting steps by age
create index scan_steps_queued on scan_steps (queued_at) where status = 'queued';
create index scan_steps_running_lease on scan_steps (lease_until) where status = 'running';
create index scan_steps_reporting on scan_steps (container_finished_at) where status = 'reporting';
