package io.nubicustos.worker.step;

import io.nubicustos.support.time.Backoff;
import io.nubicustos.worker.docker.ContainerExit;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.EngineUnavailable;
import io.nubicustos.worker.docker.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a container's exit through Docker engine restarts: when the engine goes away, the container is left as
 * it is and found again once the engine answers (a restart with live-restore keeps it running).
 */
@Component
class EngineAwareWait {

    private static final Logger log = LoggerFactory.getLogger(EngineAwareWait.class);

    private static final Backoff PROBE_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5));

    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final StepExecutor executor;

    EngineAwareWait(ContainerRunner containers, DockerEngine engine, StepExecutor executor) {
        this.containers = containers;
        this.engine = engine;
        this.executor = executor;
    }

    /**
     * The container's exit; null when this worker stops first.
     *
     * @param started when this worker started the container, or null when it did not (then the engine says)
     */
    ContainerExit exitOf(ClaimedStep step, Watch watch, Instant started) {
        Long timeoutSeconds = step.plan().limits().timeoutSeconds();
        Duration timeout = timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds);
        Instant knownStart = started;
        while (true) {
            try {
                return containers.await(step.containerId(), timeout, watch, knownStart);
            } catch (EngineUnavailable e) {
                if (executor.isStopping()) {
                    return null;
                }
                log.warn("Step {} ({}): {}; the container is left as it is and waited for again when the engine answers",
                        step.id(), step.tool(), e.getMessage());
                if (!engineBack(watch)) {
                    return watch.released() ? ContainerExit.releasedContainer() : null;
                }
                knownStart = null;
            }
        }
    }

    /** Probes the engine until it answers; between probes the worker's thread waits, by the one back-off, at most 5 s. */
    private boolean engineBack(Watch watch) {
        int probes = 0;
        while (!executor.isStopping() && !watch.released()) {
            if (engine.probe()) {
                return true;
            }
            try {
                // why: a production wait between probes of an engine that is away, not a test's hold
                Thread.sleep(PROBE_BACKOFF.after(++probes).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
