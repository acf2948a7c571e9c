package io.nubicustos.gateway.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * How a delivery is signed, as the Standard Webhooks specification does it: the headers {@code webhook-id} (the
 * event's id, the same on every attempt, so a receiver can drop repeats), {@code webhook-timestamp} (Unix seconds of
 * this attempt) and {@code webhook-signature}: {@code v1,} and the Base64 HMAC-SHA256, keyed with the subscription's
 * secret (see {@link #key}), of {@code id.timestamp.body}, so the Standard Webhooks libraries verify it as they are. A receiver recomputes it and refuses a timestamp too far from its clock, so a
 * captured delivery cannot be replayed later.
 */
public final class WebhookSignature {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** The {@code webhook-signature} value for this delivery. */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /**
     * The HMAC key: for a {@code whsec_} secret (the ones generated here), the Base64 bytes after the prefix, as the
     * Standard Webhooks libraries read it; for any other secret, its UTF-8 bytes.
     */
    static byte[] key(String secret) {
        if (secret.startsWith(PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                // a caller's own secret that happens to start with the prefix: its text is the key
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** A new secret: {@code whsec_} and 32 random bytes in Base64. */
    public static String newSecret(java.security.SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** Whether a received delivery is authentic and fresh (what a receiver does). */
    public static boolean verify(String secret, String id, String timestamp, String signature, byte[] body, Instant now, Duration tolerance) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String candidate : signature.split(" ")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }
}
