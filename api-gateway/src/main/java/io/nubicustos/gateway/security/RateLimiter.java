package io.nubicustos.gateway.security;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller (a key's name, or a client address): {@code perMinute} requests a
 * minute, refilled continuously. The number of callers tracked is bounded: idle callers (full buckets)
 * are forgotten; when every tracked caller is busy, a new caller is refused until one is idle again, so a
 * flood of new addresses can neither grow the map without end nor reset the buckets of the busy ones.
 */
final class RateLimiter {

    static final int MAX_CALLERS = 10_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Takes a token; false when the caller is over its rate (or is new while every tracked caller is busy). */
    boolean tryAcquire(String caller) {
        long now = clock.millis();
        if (buckets.size() >= MAX_CALLERS && !buckets.containsKey(caller)) {
            buckets.values().removeIf(bucket -> bucket.isFull(perMinute, now));
            if (buckets.size() >= MAX_CALLERS) {
                return false;
            }
        }
        return buckets.computeIfAbsent(caller, c -> new Bucket(perMinute, now)).take(perMinute, now);
    }

    /** Seconds until the caller has a token again (at least 1). */
    long retryAfterSeconds() {
        return Math.max(1, (long) Math.ceil(60.0 / perMinute));
    }

    int callers() {
        return buckets.size();
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(int perMinute, long now) {
            refill(perMinute, now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean isFull(int perMinute, long now) {
            refill(perMinute, now);
            return tokens >= perMinute;
        }

        private void refill(int perMinute, long now) {
            tokens = Math.min(perMinute, tokens + Math.max(0, now - last) * perMinute / 60_000.0);
            last = Math.max(last, now);
        }
    }
}
