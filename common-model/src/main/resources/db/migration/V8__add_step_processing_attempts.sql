-- Processing a step's report can fail for reasons that are not the report's content (a value the database
-- refuses, a bug). Attempts are counted and spaced out; past the limit the step fails with the last error,
-- so no step stays in 'reporting' for ever and a failing step never holds up the ones behind it.
alter table scan_steps add column processing_attempts int not null default 0;
alter table scan_steps add column process_after timestamptz;
