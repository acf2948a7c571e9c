package io.nubicustos.gateway.triage;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What a triage rule may be, so that one rule cannot silence everything: it is scoped (a fingerprint, or a tool with a
 * check or with a resource pattern that is not match-all), and an accepted risk ends ({@code expires_at}, at most
 * {@code nubicustos.triage.max-accepted-risk} away, a year by default). A new rule that breaks one is refused; a rule
 * made before the guardrails keeps working, and is listed with what it breaks ({@code GET /api/triage?violations=true})
 * and logged at start.
 */
@Component
class TriageGuardrails {

    private final Duration maxAcceptedRisk;
    private final int maxActiveRules;

    TriageGuardrails(@Value("${nubicustos.triage.max-accepted-risk:365d}") Duration maxAcceptedRisk,
                     @Value("${nubicustos.triage.max-active-rules:10000}") int maxActiveRules) {
        if (maxAcceptedRisk.isNegative() || maxAcceptedRisk.isZero() || maxActiveRules < 1) {
            throw new IllegalArgumentException("nubicustos.triage.max-accepted-risk and max-active-rules must be positive");
        }
        this.maxAcceptedRisk = maxAcceptedRisk;
        this.maxActiveRules = maxActiveRules;
    }

    int maxActiveRules() {
        return maxActiveRules;
    }

    /** Each guardrail the rule breaks, in words; empty when it keeps to all of them. */
    List<String> violations(String fingerprint, String tool, String checkId, String resource, String state, OffsetDateTime expiresAt,
                            Instant createdAt) {
        List<String> broken = new ArrayList<>();
        boolean scoped = fingerprint != null || (tool != null && (checkId != null || (resource != null && !matchesEverything(resource))));
        if (!scoped) {
            broken.add("unscoped: a rule covers a fingerprint, or a tool with a check_id or with a resource pattern that names"
                    + " something (at least 8 characters between its *s; an account alone, a tool alone or resource *:* would silence"
                    + " every finding of it, past and future)");
        }
        if ("accepted_risk".equals(state)) {
            if (expiresAt == null) {
                broken.add("accepted_risk without expires_at: an accepted risk is looked at again, at most "
                        + maxAcceptedRisk.toDays() + " days on (nubicustos.triage.max-accepted-risk)");
            } else if (expiresAt.toInstant().isAfter(createdAt.plus(maxAcceptedRisk))) {
                broken.add("expires_at more than " + maxAcceptedRisk.toDays() + " days after the rule was made"
                        + " (nubicustos.triage.max-accepted-risk)");
            }
        }
        return broken;
    }

    /**
     * Whether a resource pattern is too broad to scope a rule: only {@code *}, or no run of at least 8 characters between
     * its wildcards ({@code *:*}, {@code arn:*} cover nearly every resource; {@code arn:aws:s3:::logs-*} names some).
     */
    static boolean matchesEverything(String pattern) {
        int longest = 0;
        for (String literal : pattern.split("\\*", -1)) {
            longest = Math.max(longest, literal.length());
        }
        return !pattern.contains("*") ? pattern.isEmpty() : longest < 8;
    }
}
