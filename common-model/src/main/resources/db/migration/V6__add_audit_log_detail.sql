-- What a call touched when its path does not say: the scan ids a bulk call deleted or archived, the archive
-- or export that was downloaded.
alter table audit_log add column detail jsonb;
