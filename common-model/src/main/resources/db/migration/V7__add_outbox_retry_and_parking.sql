-- A row that cannot be published (the broker refuses the record itself) is retried after a back-off and,
-- after a bounded number of attempts, parked with its error, so it never holds up the rows behind it.
alter table outbox add column next_attempt_at timestamptz;
alter table outbox add column parked_at timestamptz;
drop index outbox_unpublished;
create index outbox_pending on outbox (id) where published_at is null and parked_at is null;
-- the purge of published rows walks them by age
create index outbox_published on outbox (published_at) where published_at is not null;
