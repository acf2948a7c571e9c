package io.nubicustos.worker.step;

import io.nubicustos.model.scan.StepPlan;

import java.util.UUID;

/**
 * A step this worker holds the lease of, for one attempt. {@code containerId} is known when the
 * step is adopted after a crash; a fresh claim has none yet. {@code traceParent} is the trace its scan began (null when
 * none was kept), continued while the step runs.
 */
public record ClaimedStep(UUID id, UUID scanId, String tool, StepPlan plan, int attempt, String executionId,
                          String containerName, String containerId, String traceParent) {

    public ClaimedStep(UUID id, UUID scanId, String tool, StepPlan plan, int attempt, String executionId,
                       String containerName, String containerId) {
        this(id, scanId, tool, plan, attempt, executionId, containerName, containerId, null);
    }

    public ClaimedStep withContainer(String id) {
        return new ClaimedStep(this.id, scanId, tool, plan, attempt, executionId, containerName, id, traceParent);
    }
}
