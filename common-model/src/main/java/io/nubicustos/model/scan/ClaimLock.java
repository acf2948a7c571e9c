package io.nubicustos.model.scan;

/**
 * The fleet-wide advisory lock the worker's claim runs under (one statement that moves steps of several scans to
 * {@code running} and their scans too). A transaction that changes several scans' steps at once (a campaign's cancel)
 * takes it first: the claim locks steps and then their scans, a cancel scans and then their steps, and the two would
 * otherwise wait for each other (a deadlock seen when a campaign was cancelled as its first steps were claimed).
 */
public final class ClaimLock {

    /** Not a hash of a name, so that no other user of advisory locks in the same database can collide with it. */
    public static final long KEY = 7343012L;
    public static final String SQL = "select pg_advisory_xact_lock(" + KEY + ")";

    private ClaimLock() {
    }
}
