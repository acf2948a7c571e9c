package io.nubicustos.worker.step;

import io.micrometer.core.instrument.MeterRegistry;
import io.nubicustos.support.loop.PeriodicTasks;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.system.WorkerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import java.time.Duration;
import io.nubicustos.worker.system.WorkerProperties;

/**
 * Compares the steps this worker waits for with what Postgres says of them.
 * <ul>
 *   <li>Cancelled (or deleted with its scan): the container is killed. The kill ends the wait; the runner
 *       finds the step cancelled and removes the container.</li>
 *   <li>Taken over by another worker (another owner, or another attempt): this worker stops waiting and
 *       leaves the container alone; its new owner waits for it. Takeover is not cancel.</li>
 * </ul>
 */
@Component
class CancelWatcher implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(CancelWatcher.class);

    private final StepRepository steps;
    private final RunningContainers running;
    private final ContainerRunner containers;
    private final String workerId;
    private final Duration interval;

    private final MeterRegistry meters;

    CancelWatcher(StepRepository steps, RunningContainers running, ContainerRunner containers, WorkerIdentity identity,
                  WorkerProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.interval = properties.worker().cancelCheckInterval();
        this.steps = steps;
        this.running = running;
        this.containers = containers;
        this.workerId = identity.id();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.every(registrar, meters, "checking for cancelled steps", interval, this::runOnce);
    }

    /** Answers how many containers were killed (cancelled steps); steps taken over are let go of. */
    int runOnce() {
        Set<UUID> mine = running.steps();
        if (mine.isEmpty()) {
            return 0;
        }
        Map<UUID, StepRepository.StepState> states = steps.statesOf(mine);
        int killed = 0;
        for (UUID step : mine) {
            RunningContainers.Entry entry = running.entry(step);
            if (entry == null) {
                continue;
            }
            StepRepository.StepState state = states.get(step);
            if (state == null || state.status().equals(StepStatus.CANCELLED.db())) {
                log.info("Step {} was cancelled (or its scan deleted); killing its container", step);
                entry.watch().markKilled();
                containers.kill(entry.watch().containerId());
                killed++;
            } else if (state.status().equals(StepStatus.RUNNING.db()) && (!workerId.equals(state.owner()) || state.attempt() != entry.attempt())) {
                log.info("Step {} attempt {} is now {}'s (attempt {}); this worker stops waiting for its container and leaves it running",
                        step, entry.attempt(), state.owner(), state.attempt());
                entry.watch().release();
            }
        }
        return killed;
    }
}
