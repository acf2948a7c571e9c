package io.nubicustos.model.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.UUID;

/**
 * A worker is done with a step's container. {@code status} is {@code reporting} (the report waits
 * for the processor) or {@code failed}; the processor re-reads the step from Postgres either way.
 */
public record StepCompleted(
        @JsonProperty("step_id") UUID stepId,
        @JsonProperty("scan_id") UUID scanId,
        String tool,
        String status,
        @JsonProperty("exit_code") Integer exitCode) {
}
