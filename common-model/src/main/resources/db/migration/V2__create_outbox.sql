-- Messages written in the same transaction as the state they announce; the relay publishes them.
create table outbox (
    id            bigserial primary key,
    topic         text        not null,
    message_key   text        not null,
    payload       text        not null,
    created_at    timestamptz not null,
    published_at  timestamptz,
    attempts      int         not null default 0,
    last_error    text
);
create index outbox_unpublished on outbox (id) where published_at is null;
