package io.nubicustos.support.time;

import java.time.Duration;

/**
 * The one back-off of the services: the wait after the n-th failed attempt is {@code first × 2^(n-1)}, never more than
 * {@code max}. Webhook deliveries, refused outbox rows and requeued steps all wait by it; each gives its own two
 * durations. Any two durations an operator may set are taken: a zero first wait retries at once, a longest wait below
 * the first caps every wait at it (a setting must never make the code that records an outcome throw).
 */
public record Backoff(Duration first, Duration max) {

    /** Doublings past this many would overflow a {@link Duration}'s arithmetic long before reaching any sane max. */
    private static final int MOST_DOUBLINGS = 30;

    public Backoff {
        first = first.isNegative() ? Duration.ZERO : first;
        max = max.isNegative() ? Duration.ZERO : max;
    }

    /** Doubling without a ceiling of its own: at most a million times the first wait. */
    public static Backoff doubling(Duration first) {
        return new Backoff(first, first.multipliedBy(1L << 20));
    }

    /** The wait after {@code failedAttempts} failed attempts (1 for the first failure; fewer count as 1). */
    public Duration after(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts, 1) - 1, MOST_DOUBLINGS);
        Duration doubled = first.multipliedBy(1L << doublings);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
