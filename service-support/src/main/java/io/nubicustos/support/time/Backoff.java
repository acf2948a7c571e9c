package io.nubicustos.support.time;

import java.time.Duration;

/**
 * The one back-off of the services: the wait after the n-th failed attempt is {@code first × 2^(n-1)}, never more than
 * {@code max}. Webhook deliveries, refused outbox rows and requeued steps all wait by it; each gives its own two
 * durations.
 */
public record Backoff(Duration first, Duration max) {

    /** Doublings past this many would overflow a {@link Duration}'s arithmetic long before reaching any sane max. */
    private static final int MOST_DOUBLINGS = 30;

    public Backoff {
        if (first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("a back-off starts above zero, not at " + first);
        }
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a back-off's longest wait (" + max + ") is below its first (" + first + ")");
        }
    }

    /** Doubling without a ceiling of its own: at most a million times the first wait. */
    public static Backoff doubling(Duration first) {
        return new Backoff(first, first.multipliedBy(1L << 20));
    }

    /** The wait after {@code failedAttempts} failed attempts (1 for the first failure). */
    public Duration after(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("no attempt failed yet: " + failedAttempts);
        }
        int doublings = Math.min(failedAttempts - 1, MOST_DOUBLINGS);
        Duration doubled = first.multipliedBy(1L << doublings);
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
