package io.nubicustos.gateway.security;

import io.nubicustos.gateway.system.GatewayProperties;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys ({@code name:key}, or a bare key named {@code key-<n>}), and the
 * specification's single {@code API_KEY} (named {@code api-key}). A presented key is
 * compared with every configured key, always all of them, by SHA-256 digest and
 * {@link MessageDigest#isEqual}, so the time taken says nothing about which key or how much of it matched.
 */
final class ApiKeys {

    private final List<Entry> entries = new ArrayList<>();

    ApiKeys(GatewayProperties.Api settings) {
        int n = 0;
        for (String configured : settings.keys()) {
            n++;
            int colon = configured.indexOf(':');
            String name = colon > 0 ? configured.substring(0, colon) : "key-" + n;
            String key = colon > 0 ? configured.substring(colon + 1) : configured;
            add(name, key);
        }
        if (settings.key() != null) {
            add("api-key", settings.key());
        }
    }

    private void add(String name, String key) {
        if (key.length() < 16) {
            // why: refusing to start is better than an API that looks protected and is guessable
            throw new IllegalArgumentException("API key '" + name + "' is shorter than 16 characters");
        }
        entries.add(new Entry(name, digest(key)));
    }

    boolean enabled() {
        return !entries.isEmpty();
    }

    /** The name of the key presented, if it is one of ours. */
    Optional<String> match(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] candidate = digest(presented);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(candidate, entry.digest()) && found == null) {
                found = entry.name();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Entry(String name, byte[] digest) {
    }
}
