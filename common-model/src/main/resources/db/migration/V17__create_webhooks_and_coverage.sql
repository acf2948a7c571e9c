-- Webhook subscriptions. A delivery row is written in the same transaction as the event it carries (the same
-- outbox pattern as the Kafka events), so a settled scan is announced at least once however the process dies;
-- the api-gateway's sender claims due rows with skip locked and posts them, retrying with back-off.
create table webhooks (
    id            uuid        primary key,
    url           text        not null,
    event_types   text[]      not null,
    -- for findings.new: the least severity a new finding must have for the subscription to hear of it
    min_severity  text        not null default 'high' check (min_severity in ('critical', 'high', 'medium', 'low', 'info')),
    format        text        not null check (format in ('cloudevents', 'slack')),
    secret        text        not null,
    enabled       boolean     not null default true,
    description   text,
    created_by    text,
    created_at    timestamptz not null
);

create table webhook_deliveries (
    id              bigserial   primary key,
    webhook_id      uuid        not null references webhooks (id) on delete cascade,
    event_id        text        not null,
    event_type      text        not null,
    scan_id         uuid,
    payload         text        not null,
    created_at      timestamptz not null,
    status          text        not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null,
    delivered_at    timestamptz,
    last_error      text,
    unique (webhook_id, event_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_of on webhook_deliveries (webhook_id, id desc);
create index webhook_deliveries_age on webhook_deliveries (created_at) where status <> 'pending';

-- The delivery log: every attempt, with the receiver's answer.
create table webhook_attempts (
    delivery_id   bigint      not null references webhook_deliveries (id) on delete cascade,
    attempt       int         not null,
    at            timestamptz not null,
    status_code   int,
    error         text,
    duration_ms   bigint      not null,
    primary key (delivery_id, attempt)
);

-- What each tool saw (results evaluated, checks, resources, regions, access-denied and throttling lines in its
-- log), stored with its findings; a settled scan compares it with the previous settled scan of its profile and
-- account, and is marked degraded, saying why, when a tool saw far less.
alter table scan_steps add column coverage jsonb;
alter table scans add column degraded boolean not null default false;
alter table scans add column degraded_reasons jsonb;
-- an operator who knows why a scan saw less (accounts closed, regions disabled) accepts it: it is a baseline again
alter table scans add column degradation_accepted_at timestamptz;
alter table scans add column degradation_accepted_by text;
create index scans_baseline on scans (profile, aws_profile, completed_at desc) where status in ('completed', 'failed');
