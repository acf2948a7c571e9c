-- A settled scan's triaged counts, kept once worked out, so that /status does not match every failed finding against
-- every triage rule on every read (10,000 rules made a read take seconds). A cached row holds while the rules are
-- those it was worked out with (triage_versions, bumped by any change to triage_rules, whoever makes it) and no rule
-- has expired since (valid_until: the earliest expiry then to come).
create table triage_versions (
    id      int    primary key check (id = 1),
    version bigint not null
);
insert into triage_versions values (1, 0);

create function bump_triage_version() returns trigger language plpgsql as $$
begin
    update triage_versions set version = version + 1 where id = 1;
    return null;
end
$$;

create trigger triage_rules_changed after insert or update or delete or truncate on triage_rules
    for each statement execute function bump_triage_version();

create table scan_triage_counts (
    scan_id       uuid        primary key references scans (id) on delete cascade,
    rules_version bigint      not null,
    valid_until   timestamptz,
    total         int         not null,
    critical      int         not null,
    high          int         not null,
    medium        int         not null,
    low           int         not null,
    info          int         not null
);

-- the first expiry to come, read with every scan's counts: by index, not by reading every rule
create index triage_rules_expires_at on triage_rules (expires_at) where expires_at is not null;
