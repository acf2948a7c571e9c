-- A settled scan's findings with the triage rule that covers each (the newest active one), kept once worked out so
-- that a page of its untriaged failures does not match every finding against every rule on each read. It holds on
-- the same terms as the scan's counts (scan_triage_counts: the rules' version, the first expiry to come), when
-- findings_kept says these rows were written with them.
alter table scan_triage_counts add column findings_kept boolean not null default false;

create table scan_triage (
    scan_id    uuid   not null references scans (id) on delete cascade,
    finding_id bigint primary key references findings (id) on delete cascade,
    rule_id    uuid   not null
);
create index scan_triage_scan on scan_triage (scan_id);
