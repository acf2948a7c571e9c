-- Findings of different tools about the same thing, and what each tool passed (issue 24).
--
-- resource_key: the resource as every tool can name it (ResourceKey in common-model: an ARN's resource id, a ScoutSuite
-- item path's resource, a bare id), computed when the report is processed. Rows stored before this migration have
-- none; the consensus and compliance views then fall back to resource_id.
alter table findings add column resource_key text;

-- A passing result, per step, check and resource: the evidence that a tool evaluated something and found it in order.
-- Kept only where the report says so (Prowler, CloudSploit; ScoutSuite per rule: a rule that checked items and
-- flagged none passes on the whole account, resource_id null). Replaced with the step's findings when a report is
-- processed again; gone with its scan.
create table finding_passes (
    scan_id      uuid  not null references scans (id) on delete cascade,
    step_id      uuid  not null references scan_steps (id) on delete cascade,
    tool         text  not null,
    check_id     text  not null,
    resource_id  text,
    resource_key text,
    region       text,
    compliance   jsonb not null default '{}'
);
create index finding_passes_scan_check on finding_passes (scan_id, tool, check_id);
create index finding_passes_step on finding_passes (step_id);

-- The control mappings (common-model nubicustos/controls/*.yaml), loaded by the API at start: each framework's
-- requirements, and which check of which tool tests each. Data, not schema: a new mapping file needs no migration.
create table control_requirements (
    framework  text not null,
    id         text not null,
    title      text not null,
    assessment text not null check (assessment in ('automated', 'manual')),
    scope      text not null check (scope in ('account', 'resource')),
    position   int  not null,
    primary key (framework, id)
);
create table control_checks (
    framework   text not null,
    requirement text not null,
    tool        text not null,
    check_id    text not null,
    primary key (framework, requirement, tool, check_id),
    foreign key (framework, requirement) references control_requirements (framework, id) on delete cascade
);
create index control_checks_by_check on control_checks (tool, check_id);
