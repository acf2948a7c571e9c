-- Triage matching by index (see TriageMatch): rules without a fingerprint are found by the finding's check, and the
-- rest (a tool with a resource pattern, rules made before the guardrails) by its tool; fingerprint rules already
-- have their index. With 10,000 rules a scan's counts no longer read every rule for every failed finding.
create index triage_rules_check on triage_rules (check_id) where fingerprint is null and check_id is not null;
create index triage_rules_rest on triage_rules (tool) where fingerprint is null and check_id is null;
