package io.nubicustos.model.account;

/**
 * Each account's API budget: how much tool weight (the catalog's {@code api_weight}) may run against it at once, fleet-wide.
 * It adapts as TCP's congestion window does (additive increase, multiplicative decrease): a step whose log shows the cloud
 * throttling it halves its account's budget (a tool of weight 0 calls no cloud API and changes nothing) for the next steps; each clean step gives one unit back, up to the configured
 * default ({@code nubicustos.worker.account-budget}, the same on every service; 0 turns budgets off). The budget never falls
 * below one unit, and an account with nothing running always admits its next step, however heavy: a budget slows an
 * account's scans down, it never stops them.
 */
public final class ApiBudgets {

    /**
     * The property every service reads the default from: the worker's setting (documented with its others), which the API
     * (to show a budget) and the report-processor (the ceiling the budget climbs back to) read too; set it alike on all.
     */
    public static final String DEFAULT_PROPERTY = "${nubicustos.worker.account-budget:16}";
    public static final double DECREASE = 0.5;
    public static final double INCREASE = 1.0;
    public static final double FLOOR = 1.0;

    /** The budget of the account keyed {@code key} (an SQL expression), given {@code :defaultBudget}. */
    public static String budgetOf(String key) {
        // why: least(): a budget adapted under a higher setting never exceeds the setting an operator has since lowered
        return "least(coalesce((select b.budget from api_budgets b where b.account_key = " + key + "), :defaultBudget), :defaultBudget)";
    }

    /**
     * Adapts the budget of the account of step {@code :stepId}'s scan after the step ran: {@code :throttled} is the number of
     * throttling lines its log had. A clean step of an account without a row writes none (its budget is the default).
     */
    public static final String ADAPT = """
            with step_account as (
                select %s as account_key from scan_steps s join scans sc on sc.id = s.scan_id
                 where s.id = :stepId and coalesce(cast(s.plan->>'api_weight' as int), 1) > 0
            ), adapted as (
                insert into api_budgets as b (account_key, budget, throttled_steps, clean_steps, last_throttled_at, updated_at)
                select account_key, greatest(%s, cast(:defaultBudget as double precision) * %s), 1, 0, :now, :now
                  from step_account where :throttled > 0
                on conflict (account_key) do update set
                       budget = greatest(%s, least(b.budget, cast(:defaultBudget as double precision)) * %s),
                       throttled_steps = b.throttled_steps + 1,
                       last_throttled_at = :now, updated_at = :now
                returning b.account_key
            )
            update api_budgets b set budget = least(cast(:defaultBudget as double precision), b.budget + %s),
                   clean_steps = b.clean_steps + 1, updated_at = :now
              from step_account a
             where :throttled = 0 and b.account_key = a.account_key
            """.formatted(AccountKeySql.OF_SCAN, FLOOR, DECREASE, FLOOR, DECREASE, INCREASE);

    private ApiBudgets() {
    }
}
