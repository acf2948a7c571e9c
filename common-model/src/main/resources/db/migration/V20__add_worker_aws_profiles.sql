-- The names of the AWS profiles each worker can stage (never a key): the API checks a scan's aws_profile against
-- them when it has no credentials directory of its own, as in the compose stack, where only the worker mounts one.
alter table workers add column aws_profiles jsonb;
