-- Every mutating API call: who (the API key's name, or anonymous when no keys are configured), what, when.
create table audit_log (
    id          bigserial primary key,
    at          timestamptz not null,
    actor       text        not null,
    method      text        not null,
    path        text        not null,
    status      int         not null,
    remote      text
);
create index audit_log_at on audit_log (at desc);
