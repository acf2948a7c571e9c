package io.nubicustos.model.account;

/**
 * The account a scan's steps count against, as SQL over a {@code scans} row aliased {@code sc}: the account the scan was
 * made for (a campaign's child), else the registered account its profile reaches, else {@code profile:<name>} — a profile
 * no account names counts as an account of its own until one does. The caps and API budgets of the claim, and the budget
 * the processor adapts, all key on it, so two profiles reaching one account share its budget.
 */
public final class AccountKeySql {

    /** Of a {@code scans} row aliased {@code sc}. */
    public static final String OF_SCAN = """
            coalesce(sc.account_id, (select a.account_id from accounts a where a.profile = sc.aws_profile), 'profile:' || sc.aws_profile)""";

    private AccountKeySql() {
    }
}
