package io.nubicustos.gateway.security;

import io.nubicustos.gateway.system.GatewayProperties;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys ({@code name:key[:role[+role...]]}, or a bare key named {@code key-<n>}), and the
 * specification's single {@code API_KEY} (named {@code api-key}); a key with no role is admin. A presented key is
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
            Set<Role> roles = EnumSet.of(Role.ADMIN);
            int last = key.lastIndexOf(':');
            // why: a last part that is not a role list belongs to the key (keys made before roles may hold a colon)
            Set<Role> named = last > 0 ? Role.parseAll(key.substring(last + 1)) : null;
            if (named != null) {
                roles = named;
                key = key.substring(0, last);
            } else if (last > 0 && key.substring(last + 1).matches("[A-Za-z+]+")) {
                // why: a misspelt role (reader, read+) would otherwise make the key an admin whose value ends in it
                throw new IllegalArgumentException("API key '" + name + "' names roles '" + key.substring(last + 1)
                        + "', which are not read, scan, triage or admin (joined with +)");
            }
            add(name, key, roles);
        }
        if (settings.key() != null) {
            add("api-key", settings.key(), EnumSet.of(Role.ADMIN));
        }
    }

    private void add(String name, String key, Set<Role> roles) {
        if (name.equals("anonymous") || name.equals("unauthenticated")) {
            // why: these name callers without a key in the audit log; a key of that name would be mistaken for none
            throw new IllegalArgumentException("an API key may not be named '" + name + "'");
        }
        if (key.length() < 16) {
            // why: refusing to start is better than an API that looks protected and is guessable
            throw new IllegalArgumentException("API key '" + name + "' is shorter than 16 characters");
        }
        entries.add(new Entry(name, digest(key), Set.copyOf(roles)));
    }

    boolean enabled() {
        return !entries.isEmpty();
    }

    /** The caller a presented key stands for (its name and roles), if it is one of ours. */
    Optional<Caller> match(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] candidate = digest(presented);
        Entry found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(candidate, entry.digest()) && found == null) {
                found = entry;
            }
        }
        return Optional.ofNullable(found).map(entry -> Caller.of(entry.name(), entry.roles()));
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Entry(String name, byte[] digest, Set<Role> roles) {
    }
}
