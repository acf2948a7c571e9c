-- V11's insert trigger notified on every commit that wrote outbox rows. Measured under a burst of accepted scans
-- (pgbench, the scan-creation statement alone, 8 clients, this 2-core machine): 3,800 statements/s with the
-- trigger, 7,000/s without it: every notifying commit takes PostgreSQL's one notification-queue lock and signals
-- every listening backend. The writers now wake the relay themselves: the api-gateway in-process once its
-- transaction committed, other services with one pg_notify in the transaction that wrote the row (see
-- docs/adr/0005-hot-path.md).
drop trigger outbox_inserted on outbox;
drop function outbox_notify();

-- The gauges count every unpublished row, parked ones included, which outbox_pending did not cover: with
-- published rows retained for days that count read the whole table. One partial index serves both the relay's
-- claim (parked rows are few and filtered) and the gauges.
drop index outbox_pending;
create index outbox_unpublished on outbox (id) where published_at is null;

-- scan_steps_scan_id_tool_key (scan_id, tool) answers every lookup by scan_id; the single-column index only cost
-- each accepted scan one more index insert.
drop index scan_steps_scan;
