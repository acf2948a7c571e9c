package io.nubicustos.worker.step;

import io.nubicustos.worker.docker.ContainerRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.UUID;

/**
 * Kills the containers of steps this worker runs that are no longer its own: cancelled with their
 * scan, or taken over by another worker. The kill ends the {@code docker wait}; the step's guarded
 * transition then finds the step gone and the runner removes the container.
 */
@Component
class CancelWatcher {

    private static final Logger log = LoggerFactory.getLogger(CancelWatcher.class);

    private final StepRepository steps;
    private final RunningContainers running;
    private final ContainerRunner containers;

    CancelWatcher(StepRepository steps, RunningContainers running, ContainerRunner containers) {
        this.steps = steps;
        this.running = running;
        this.containers = containers;
    }

    @Scheduled(fixedDelayString = "${nubicustos.worker.cancel-check-interval:2s}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Checking for cancelled steps failed ({}); retrying next round", e.toString());
        }
    }

    int runOnce() {
        Set<UUID> mine = running.steps();
        if (mine.isEmpty()) {
            return 0;
        }
        Set<UUID> stillMine = steps.stillRunningForMe(mine);
        int killed = 0;
        for (UUID step : mine) {
            String container = running.containerOf(step);
            if (!stillMine.contains(step) && container != null) {
                log.info("Step {} is no longer this worker's (cancelled or taken over); killing its container", step);
                containers.kill(container);
                killed++;
            }
        }
        return killed;
    }
}
