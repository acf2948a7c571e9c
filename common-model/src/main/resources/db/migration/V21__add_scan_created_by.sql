-- Who asked for each scan: an API key's name, "kafka <source>" for a request on the topic, "schedule <id>" for a
-- schedule's run (schedules, triage rules and webhooks record theirs already).
alter table scans add column created_by text;
