package io.nubicustos.worker.step;

import io.nubicustos.model.scan.StepPlan;

import java.util.UUID;

/**
 * A step this worker holds the lease of, for one attempt. {@code containerId} is known when the
 * step is adopted after a crash; a fresh claim has none yet.
 */
public record ClaimedStep(UUID id, UUID scanId, String tool, StepPlan plan, int attempt, String executionId,
                          String containerName, String containerId) {

    public ClaimedStep withContainer(String id) {
        return new ClaimedStep(this.id, scanId, tool, plan, attempt, executionId, containerName, id);
    }
}
