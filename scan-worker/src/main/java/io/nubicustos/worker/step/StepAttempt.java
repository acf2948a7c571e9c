package io.nubicustos.worker.step;

import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.logs.Redaction;

/**
 * One attempt of a step on this worker, as it travels from launch to its outcome: the claimed step (with its container
 * once there is one), the slot it holds, what its log must never show, and the timing of the attempt.
 */
record StepAttempt(ClaimedStep step, StepExecutor.Slot slot, Redaction redaction, Timer.Sample timing) {

    StepAttempt withContainer(String containerId) {
        return new StepAttempt(step.withContainer(containerId), slot, redaction, timing);
    }

    StepAttempt withRedaction(Redaction redaction) {
        return new StepAttempt(step, slot, redaction, timing);
    }
}
