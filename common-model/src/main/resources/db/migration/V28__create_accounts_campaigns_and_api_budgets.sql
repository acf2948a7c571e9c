-- The cloud accounts a team scans, each reached through a profile of the credentials file or by assuming a role from a
-- profile of the security account (source_profile). Imported from AWS Organizations or written by hand.
create table accounts (
    account_id       text primary key check (account_id ~ '^[0-9]{12}$'),
    name             text,
    email            text,
    profile          text,
    role_arn         text,
    external_id      text,
    source_profile   text,
    session_duration int check (session_duration between 900 and 43200),
    regions          jsonb       not null default '[]',
    tags             jsonb       not null default '{}',
    org_status       text,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    check ((profile is not null and role_arn is null and source_profile is null)
        or (profile is null and role_arn is not null and source_profile is not null))
);
-- a profile reaches one account: the caps and budgets of scans naming it key on that account
create unique index accounts_profile on accounts (profile) where profile is not null;

-- One request over many accounts: one child scan per account (scans.campaign_id). Settled once every child settled.
create table campaigns (
    id           uuid primary key,
    profile      text        not null,
    selection    jsonb       not null,
    -- the selection as a key: the previous campaign is the last settled one of the same profile and selection
    selection_key text       not null,
    request      jsonb       not null,
    status       text        not null check (status in ('running', 'completed', 'degraded', 'cancelled')),
    source       text        not null,
    request_id   text unique,
    created_by   text,
    created_at   timestamptz not null,
    settled_at   timestamptz,
    skipped      jsonb       not null default '[]'
);
create index campaigns_previous on campaigns (profile, selection_key, created_at desc);

alter table scans add column campaign_id uuid references campaigns (id) on delete set null;
alter table scans add column account_id text;
create index scans_campaign on scans (campaign_id) where campaign_id is not null;

-- Each account's API budget in weight units (catalog api_weight): the claim admits a step only while the account's
-- running weight fits. Lowered by half when a step's log shows throttling, raised by one per clean step, up to the
-- configured default. Keyed on the account id, or 'profile:<name>' for a profile no account names (yet). No row: the default.
create table api_budgets (
    account_key     text primary key,
    budget          double precision not null check (budget > 0),
    throttled_steps bigint      not null default 0,
    clean_steps     bigint      not null default 0,
    last_throttled_at timestamptz,
    updated_at      timestamptz not null
);

do $$
begin
    if exists (select from pg_roles where rolname = 'nubicustos_reader') then
        grant select on campaigns to nubicustos_reader;
    end if;
end
$$;
