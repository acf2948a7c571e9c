package io.nubicustos.model.scan;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Ids of scans and steps, drawn from a cryptographic generator of each thread's own: unguessable, without the
 * lock and the read of {@code /dev/urandom} that {@link UUID#randomUUID()} takes on every call (measurable at a
 * few thousand accepted scans a second).
 */
public final class Ids {

    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Ids::drbg);

    private Ids() {
    }

    /**
     * A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds from {@code clock}, then 74 random bits. Scans
     * created one after another get ids that sort after one another, so each insert lands on the right-hand page
     * of the primary-key index instead of a random one. Not for anything of which only a prefix is shown: ids of
     * one millisecond share their first 12 hex digits.
     */
    public static UUID timeOrdered(Clock clock) {
        return timeOrderedAt(clock.millis(), RANDOM.get());
    }

    /**
     * A version 4 (random) UUID. Steps get these: a step's container is named after the first 12 hex digits of its
     * id ({@code prowler-scan-5262d09b-24d}), which must differ between any two steps.
     */
    public static UUID random() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        long high = (toLong(bytes, 0) & ~0xF000L) | 0x4000L;
        long low = (toLong(bytes, 8) & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    static UUID timeOrderedAt(long unixMillis, SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (toLong(bytes, 0) & 0x0FFFL);
        long low = 0x8000_0000_0000_0000L | (toLong(bytes, 8) & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(high, low);
    }

    private static long toLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 8; i++) {
            value = value << 8 | (bytes[i] & 0xFF);
        }
        return value;
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
