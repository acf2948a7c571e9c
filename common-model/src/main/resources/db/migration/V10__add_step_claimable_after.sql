-- A step handed back to the queue because its infrastructure failed (its container vanished, the Docker engine
-- stopped it or could not start it) waits a little before the next claim, so that a restarting engine does not
-- use up every attempt within seconds.
alter table scan_steps add column claimable_after timestamptz;
