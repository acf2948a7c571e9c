package io.nubicustos.gateway.intake;

import io.nubicustos.gateway.web.Printable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key that makes a redelivered scan request create nothing new ({@code scans.request_id}). It is a
 * SHA-256 digest, so it is bounded in size whatever a producer sends, and its parts are length-prefixed,
 * so no two different requests share one ({@code source "a:b", id "c"} and {@code source "a", id "b:c"}
 * differ).
 * <ul>
 *   <li>A CloudEvent is identified by its {@code source} and {@code id}, as the specification of
 *       CloudEvents says: a producer that sends the same event again gets the same scan.</li>
 *   <li>A plain request body is identified by where it sits in the log and when it was written
 *       (topic, partition, offset, record timestamp): a redelivery of the same record is the same request,
 *       and a new record at a reused offset of a recreated topic is not.</li>
 * </ul>
 */
public final class RequestIds {

    private RequestIds() {
    }

    public static String ofCloudEvent(String source, String id) {
        return "ce:" + digest("cloudevent", source, id);
    }

    public static String ofRecord(String topic, int partition, long offset, long timestamp) {
        return "kafka:" + digest("record", topic, Integer.toString(partition), Long.toString(offset), Long.toString(timestamp));
    }

    private static String digest(String... parts) {
        StringBuilder key = new StringBuilder();
        for (String part : parts) {
            key.append(part.length()).append(':').append(part).append('|');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** A producer's value as it may appear in a log line. */
    static String printable(String value) {
        return "'" + Printable.of(value, 80) + "'";
    }
}
