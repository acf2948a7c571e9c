-- Which installation this database belongs to: generated once by the first worker that starts, written into every
-- container's labels, so that two installations sharing one Docker engine (a staging and a production one on a CI
-- host) each reap, adopt and cancel only their own containers. One row; configuration may override it.
create table installation (
    singleton  boolean     primary key default true check (singleton),
    id         text        not null check (id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    -- which database the id was generated in: a copy of the database (staging restored from production's dump) is
    -- another database, and gets an id of its own instead of sharing production's containers
    database_fingerprint text,
    created_at timestamptz not null
);
