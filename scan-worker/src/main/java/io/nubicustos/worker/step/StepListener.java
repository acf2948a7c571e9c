package io.nubicustos.worker.step;

import io.nubicustos.model.messaging.StepCommand;
import io.nubicustos.model.messaging.Topics;
import io.nubicustos.worker.docker.DockerEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

import java.util.Optional;

/**
 * Thin and idempotent: reserve a slot, claim the step in Postgres, hand it to the executor, return.
 * The poll loop never waits for a container. A record for a step that is no longer queued (a
 * duplicate, a replay, a cancelled scan) claims nothing and is dropped; a record that arrives while
 * this worker is full leaves the step queued, and whichever worker frees a slot first claims it
 * from Postgres ({@link QueuedStepPoller}).
 */
@Component
class StepListener {

    private static final Logger log = LoggerFactory.getLogger(StepListener.class);

    private final StepRepository steps;
    private final StepExecutor executor;
    private final StepRunner runner;
    private final DockerEngine engine;
    private final ObjectMapper json;

    StepListener(StepRepository steps, StepExecutor executor, StepRunner runner, DockerEngine engine, ObjectMapper json) {
        this.json = json;
        this.steps = steps;
        this.executor = executor;
        this.runner = runner;
        this.engine = engine;
    }

    @KafkaListener(id = "tool-step-worker", topics = Topics.TOOL_STEPS, groupId = "nubicustos-scan-workers",
            containerFactory = "stepContainerFactory")
    void onStep(String record) {
        StepCommand command;
        try {
            command = json.readValue(record, StepCommand.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a step command: " + e.getOriginalMessage(), e);
        }
        if (command == null || command.stepId() == null) {
            throw new IllegalArgumentException("tool-steps record without step_id");
        }
        if (!engine.isReachable() || !executor.tryReserve()) {
            log.debug("Step {} left queued: this worker is full or its Docker engine is unreachable", command.stepId());
            return;
        }
        Optional<ClaimedStep> claimed;
        try {
            claimed = steps.claim(command.stepId(), engine.engineId());
        } catch (RuntimeException e) {
            executor.release();
            throw e;
        }
        if (claimed.isEmpty()) {
            executor.release();
            log.debug("Step {} is not queued any more (duplicate, replay or cancelled); record dropped", command.stepId());
            return;
        }
        ClaimedStep step = claimed.get();
        executor.runReserved(step.id(), () -> runner.run(step));
    }
}
