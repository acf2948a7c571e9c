package io.nubicustos.model.triage;

/**
 * Which findings a triage rule covers, as SQL over a finding aliased {@code f}, with {@code :triageNow} the
 * clock's now: a rule covers a finding while it has not expired, and every matcher it has (fingerprint,
 * tool, check, account, resource pattern) equals the finding's. The API's counts, findings lists, diff and exports, and
 * the processor's settled events and {@code findings.triaged}, all use these, so they agree on what is triaged.
 */
public final class TriageSql {

    /**
     * The rules that may cover {@code f}, found by index rather than by reading every rule for every finding (with
     * 10,000 rules a scan's counts read 10,000 rules per failed finding): rules by the finding's fingerprint, rules
     * without one by its check, and the few left (a tool with a resource pattern, and rules made before the
     * guardrails) by its tool or none. Each branch then applies every matcher, so the three together cover exactly
     * what one scan of all rules would.
     */
    private static final String CANDIDATES = """
            (select * from triage_rules r where r.fingerprint = f.fingerprint
             union all
             select * from triage_rules r where r.fingerprint is null and r.check_id = f.check_id
             union all
             select * from triage_rules r where r.fingerprint is null and r.check_id is null and (r.tool = f.tool or r.tool is null))
            """;

    private static final String COVERS = "from " + CANDIDATES + """
             t
             where (t.expires_at is null or t.expires_at > :triageNow)
               and (t.fingerprint is null or t.fingerprint = f.fingerprint)
               and (t.tool is null or t.tool = f.tool)
               and (t.check_id is null or t.check_id = f.check_id)
               and (t.account is null or t.account = f.account)
               and (t.resource_like is null or f.resource_id like t.resource_like escape '\\')
            """;

    /** True when an active rule covers {@code f}. */
    public static final String IS_TRIAGED = "exists (select 1 " + COVERS + ")";

    /**
     * The newest active rule covering {@code f}, for {@code left join lateral (...) tr on true}: columns
     * {@code triage_id}, {@code triage_state}, {@code triage_reason}, {@code triage_by}, {@code triage_expires_at}.
     */
    public static final String RULE_OF_FINDING = """
            select t.id as triage_id, t.state as triage_state, t.reason as triage_reason, t.created_by as triage_by,
                   t.expires_at as triage_expires_at
            """ + COVERS + " order by t.created_at desc limit 1";

    private TriageSql() {
    }
}
