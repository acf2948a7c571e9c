-- A worker is live while its heartbeat is recent for its own interval (workers may be configured differently).
alter table workers add column heartbeat_interval_ms bigint not null default 5000;
