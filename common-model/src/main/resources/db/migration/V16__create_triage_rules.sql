-- Triage (POST /api/triage): a finding accepted as a risk, marked a false positive, or muted, by its
-- fingerprint or by a rule (tool, check, resource pattern, account; each null meaning any), with a reason,
-- the key that did it and an optional expiry. Triaged findings stay stored and visible; they are not counted
-- in a scan's status while the rule is active, and count again once it has expired or been deleted.
create table triage_rules (
    id               uuid        primary key,
    fingerprint      text,
    tool             text,
    check_id         text,
    account          text,
    resource_pattern text,
    -- resource_pattern as a LIKE pattern (its * as %, its %, _ and \ escaped), computed once on insert
    resource_like    text,
    state            text        not null check (state in ('accepted_risk', 'false_positive', 'muted')),
    reason           text        not null,
    created_by       text,
    created_at       timestamptz not null,
    expires_at       timestamptz,
    check (fingerprint is not null or tool is not null or check_id is not null or account is not null or resource_pattern is not null)
);
create index triage_rules_fingerprint on triage_rules (fingerprint) where fingerprint is not null;
