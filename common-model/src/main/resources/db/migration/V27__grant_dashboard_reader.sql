-- A dashboard's read-only view of scans and findings (Grafana's PostgreSQL datasource, the compose stack's
-- nubicustos_reader): SELECT on what the panels read and nothing else — never api_keys, webhooks (their signing
-- secrets), the audit log or the outbox. The role is made by the PostgreSQL image's entrypoint when the stack names one;
-- where it does not exist (the standalone system, a database of your own) nothing is granted.
do $$
begin
    if exists (select from pg_roles where rolname = 'nubicustos_reader') then
        grant select on scans, scan_steps, findings to nubicustos_reader;
    end if;
end
$$;
