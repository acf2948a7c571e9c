-- Every live worker writes its row on a heartbeat, so operators see the fleet's hosts (GET /api/workers):
-- its Docker engine, its slots, and whether it takes work or why not.
create table workers (
    id               text        primary key,
    engine_id        text,
    engine_name      text,
    engine_address   text,
    slots            int         not null,
    slots_in_use     int         not null,
    healthy          boolean     not null,
    unhealthy_reason text,
    unhealthy_since  timestamptz,
    started_at       timestamptz not null,
    last_heartbeat   timestamptz not null
);

-- the Docker host each attempt ran on, so that a step whose every attempt failed on infrastructure names them
alter table step_attempts add column docker_host text;
