-- The W3C traceparent of the request that created a scan (REST or Kafka), so the worker and the processor continue its
-- trace, and of the work that wrote an outbox row, so the relay publishes the row inside that trace (ADR 4: Postgres is
-- the truth, so the trace crosses it too). Null for rows written before, or without tracing.
alter table scans add column trace_parent text;
alter table outbox add column trace_parent text;
