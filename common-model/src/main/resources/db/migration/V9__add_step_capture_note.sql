-- What the worker has to say about a step's output (its standard output was cut at the size limit, say);
-- kept apart from the processor's note so that neither overwrites the other.
alter table scan_steps add column capture_note text;
