-- What each step really ran and left, for audits (issue 19): the engine's id of the image its container ran
-- (sha256:...), the tool's version (the image's OCI version label, else its tag), and every file of its report with
-- size and SHA-256, as the report-processor found them.
alter table scan_steps add column image_id text, add column tool_version text, add column reports jsonb;

-- Which of the catalog's images each worker's Docker host has, as its heartbeat last said (GET /api/tools):
-- [{"tool", "image", "present", "image_id"}].
alter table workers add column images jsonb;

-- The profile's tools a scan was planned without, each with why (a service it requires is not configured): they have no
-- step, and /errors says why next to the tools that ran.
alter table scans add column left_out jsonb;
