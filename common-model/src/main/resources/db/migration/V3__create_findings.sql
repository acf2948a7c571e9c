-- Normalized findings. A step's findings are replaced as a whole when its report is processed, so
-- processing the same report twice yields the same rows. A fingerprint repeated within one report is
-- one finding seen several times (occurrences).
create table findings (
    id            bigserial primary key,
    scan_id       uuid        not null references scans (id) on delete cascade,
    step_id       uuid        not null references scan_steps (id) on delete cascade,
    tool          text        not null,
    check_id      text        not null,
    title         text,
    severity      text        not null check (severity in ('critical', 'high', 'medium', 'low', 'info')),
    status        text        not null check (status in ('fail', 'manual', 'suppressed')),
    account       text,
    region        text,
    service       text,
    resource_id   text,
    description   text,
    remediation   text,
    compliance    jsonb       not null default '{}',
    observed_at   timestamptz,
    fingerprint   text        not null,
    occurrences   int         not null default 1,
    unique (step_id, fingerprint)
);
create index findings_scan_severity on findings (scan_id, severity);
create index findings_fingerprint on findings (fingerprint);
