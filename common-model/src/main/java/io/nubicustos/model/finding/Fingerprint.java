package io.nubicustos.model.finding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A finding's identity across scans: the same tool, account, region, resource and check give the
 * same fingerprint in every scan, so a later scan can tell new, unchanged and fixed findings apart.
 * Nothing that changes from run to run (timestamps, messages, tool-made uids) goes into it.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(String tool, String account, String region, String resource, String check) {
        StringBuilder key = new StringBuilder();
        for (String part : new String[] {tool, account, region, resource, check}) {
            // why: a length prefix keeps ("a|b","c") and ("a","b|c") apart without escaping
            String value = part == null ? "" : part;
            key.append(value.length()).append(':').append(value).append('|');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
