package io.nubicustos.worker.step;

import io.nubicustos.support.loop.DaemonThreads;
import io.nubicustos.worker.credentials.StagedCredentials;
import io.nubicustos.worker.docker.ContainerRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Removes what an attempt left (its container, its staged credentials), and only when that is safe: the attempt's own
 * transition applied or the step was cancelled. Never a container that may still run, never another worker's.
 */
@Component
class AttemptCleanup {

    private static final Logger log = LoggerFactory.getLogger(AttemptCleanup.class);

    private final ContainerRunner containers;
    private final StagedCredentials credentials;
    // why: a daemon that is never shut down: a step settling while the worker stops still has its container removed, or
    // the next start's sweep removes it
    private final ExecutorService cleanup = Executors.newSingleThreadExecutor(DaemonThreads.named("container-cleanup"));

    AttemptCleanup(ContainerRunner containers, StagedCredentials credentials) {
        this.containers = containers;
        this.credentials = credentials;
    }

    /** @param removable whether the attempt is settled (its transition applied, or the step cancelled) */
    void afterSettled(ClaimedStep step, String containerId, boolean removable) {
        if (!removable) {
            return;
        }
        // why: removing an exited container costs the engine a while; nothing waits for it, so it is done aside
        cleanup.execute(() -> {
            try {
                if (containerId != null) {
                    containers.remove(containerId);
                }
                credentials.remove(step.executionId());
            } catch (RuntimeException e) {
                log.warn("Cleaning up after step {} failed ({}); the next sweep removes what is left", step.id(), e.toString());
            }
        });
    }
}
