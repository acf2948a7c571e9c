package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.DockerEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * An idle worker takes the oldest queued steps straight from Postgres, as many as it has free slots.
 * This is what lets any idle worker pick up the next step while a long one runs elsewhere, whatever
 * Kafka partition its record went to, and what recovers a step whose record was lost.
 */
@Component
class QueuedStepPoller {

    private static final Logger log = LoggerFactory.getLogger(QueuedStepPoller.class);

    private final StepRepository steps;
    private final StepExecutor executor;
    private final StepRunner runner;
    private final DockerEngine engine;

    QueuedStepPoller(StepRepository steps, StepExecutor executor, StepRunner runner, DockerEngine engine) {
        this.steps = steps;
        this.executor = executor;
        this.runner = runner;
        this.engine = engine;
    }

    @Scheduled(fixedDelayString = "${nubicustos.worker.poll-interval:2s}", initialDelayString = "${nubicustos.worker.poll-interval:2s}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Polling for queued steps failed ({}); retrying next round", e.toString());
        }
    }

    /** Claims and starts up to the free capacity; answers how many steps were started. */
    synchronized int runOnce() {
        if (!engine.isReachable()) {
            return 0;
        }
        int reservedSlots = 0;
        while (executor.tryReserve()) {
            reservedSlots++;
        }
        if (reservedSlots == 0) {
            return 0;
        }
        List<ClaimedStep> claimed;
        try {
            claimed = steps.claimNext(reservedSlots, engine.engineId());
        } catch (RuntimeException e) {
            for (int i = 0; i < reservedSlots; i++) {
                executor.release();
            }
            throw e;
        }
        for (int i = claimed.size(); i < reservedSlots; i++) {
            executor.release();
        }
        for (ClaimedStep step : claimed) {
            executor.runReserved(step.id(), () -> runner.run(step));
        }
        return claimed.size();
    }
}
