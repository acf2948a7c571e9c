package io.nubicustos.gateway.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller may do. {@code read}: every GET but archives and webhooks (their URLs are secrets); {@code scan}: read,
 * and submit and cancel scans, and schedules; {@code triage}: read, and triage rules and accepting a degraded scan;
 * {@code admin}: everything, webhooks, bulk delete, archives and retention included. A key with no role is admin, as the
 * specification's single {@code API_KEY} is.
 */
public enum Role {
    READ, SCAN, TRIAGE, ADMIN;

    /** Whether a caller holding this role may do what {@code required} guards. */
    boolean grants(Role required) {
        return this == ADMIN || this == required || required == READ;
    }

    static boolean anyGrants(Set<Role> held, Role required) {
        return held.stream().anyMatch(role -> role.grants(required));
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code read+scan}: the roles a key is given; null for none of them. */
    static Set<Role> parseAll(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split("\\+", -1)) {
            Role role = switch (part) {
                case "read" -> READ;
                case "scan" -> SCAN;
                case "triage" -> TRIAGE;
                case "admin" -> ADMIN;
                default -> null;
            };
            if (role == null) {
                return null;
            }
            roles.add(role);
        }
        return roles;
    }
}
