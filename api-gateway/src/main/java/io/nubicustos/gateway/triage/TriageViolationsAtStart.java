package io.nubicustos.gateway.triage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;

/**
 * Says at start which triage rules break the guardrails (made before them): they keep working, none is dropped
 * silently, and an operator learns of them without asking ({@code GET /api/triage?violations=true} lists them).
 */
@Component
class TriageViolationsAtStart {

    private static final Logger log = LoggerFactory.getLogger(TriageViolationsAtStart.class);

    private final TriageRules rules;
    private final Clock clock;

    TriageViolationsAtStart(TriageRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        try {
            List<TriageRule> violating = rules.violating(clock.instant());
            for (TriageRule rule : violating) {
                log.warn("Triage rule {} ({}, by {}) breaks the guardrails and keeps working: {}", rule.ruleId(), rule.state(),
                        rule.createdBy(), String.join("; ", rule.violations()));
            }
            if (!violating.isEmpty()) {
                log.warn("{} triage rule(s) break the guardrails: GET /api/triage?violations=true lists them", violating.size());
            }
        } catch (RuntimeException e) {
            log.warn("Could not check the triage rules against the guardrails at start ({})", e.toString());
        }
    }
}
