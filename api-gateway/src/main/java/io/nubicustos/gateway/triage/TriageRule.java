package io.nubicustos.gateway.triage;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A triage rule as the API answers it: what it covers (each matcher null meaning any), its state and
 * reason, who made it, and until when.
 *
 * @param resource a pattern of resource ids, {@code *} for any run of characters
 * @param active     whether it covers findings now (it has not expired)
 * @param violations the guardrails a rule made before them breaks (it keeps working); empty for every rule made since
 */
record TriageRule(UUID ruleId, @Nullable String fingerprint, @Nullable String tool, @Nullable String checkId, @Nullable String resource,
                  @Nullable String account, String state, String reason, @Nullable String createdBy, OffsetDateTime createdAt,
                  @Nullable OffsetDateTime expiresAt, boolean active, List<String> violations) {

    @Schema(name = "TriageRulePage")
    record Page(List<TriageRule> rules) {
    }
}
