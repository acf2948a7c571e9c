package io.nubicustos.model.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.UUID;

/** "Run this step": the step's plan is in Postgres, so the record only names it. */
public record StepCommand(
        @JsonProperty("step_id") UUID stepId,
        @JsonProperty("scan_id") UUID scanId,
        String tool) {
}
