-- The one api-gateway instance that exports the gauges computed from the database (queue, running steps, scans, findings,
-- outbox), so that with several instances each series is exported once and a dashboard's sum is not multiplied. A lease
-- the holder renews on every refresh; another instance takes over when it lapses (the holder died or lost the database).
create table gauge_exporter (
    id          int primary key check (id = 1),
    holder      text        not null,
    lease_until timestamptz not null
);
