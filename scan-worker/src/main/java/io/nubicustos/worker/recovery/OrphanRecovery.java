package io.nubicustos.worker.recovery;

import io.nubicustos.support.loop.PeriodicTasks;
import com.github.dockerjava.api.model.Container;
import io.nubicustos.worker.credentials.StagedCredentials;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.HostHealth;
import io.nubicustos.worker.step.ClaimedStep;
import io.nubicustos.worker.step.RecoveryPolicy;
import io.nubicustos.worker.step.StepExecutor;
import io.nubicustos.worker.step.StepRepository;
import io.nubicustos.worker.step.StepRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import io.nubicustos.worker.system.WorkerProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Moves on every {@code running} step whose worker is gone.
 * <ul>
 *   <li>At start-up: steps owned by this worker's id belong to its previous incarnation and are
 *       adopted at once; containers with our labels that no running step owns are removed.</li>
 *   <li>Every sweep: steps whose lease expired are taken over (one guarded UPDATE decides between
 *       racing sweepers) and adopted: a running container is waited for, an exited one collected,
 *       a vanished one's step is queued again for another attempt (failed, with every attempt's reason, only
 *       when none is left: {@link RecoveryPolicy}).</li>
 * </ul>
 */
@Component
public class OrphanRecovery implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OrphanRecovery.class);
    /** Expired steps taken over per sweep; the rest wait for the next one. */
    private static final int TAKE_OVER_BATCH = 50;

    private final StepRepository steps;
    private final StepRunner runner;
    private final StepExecutor executor;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final StagedCredentials credentials;
    private final HostHealth health;
    private final Duration sweepInterval;
    private final RecoveryPolicy recovery;
    private final Counter takeovers;
    private final Counter adoptions;

    private final MeterRegistry meters;

    OrphanRecovery(StepRepository steps, StepRunner runner, StepExecutor executor, ContainerRunner containers,
                   DockerEngine engine, StagedCredentials credentials, HostHealth health, RecoveryPolicy recovery,
                   WorkerProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.takeovers = Counter.builder("nubicustos.step.takeovers")
                .description("Steps this worker took over because their worker's lease expired").register(meters);
        this.adoptions = Counter.builder("nubicustos.step.adoptions")
                .description("Steps this worker found it was running when it started (a restart), and adopted").register(meters);
        this.sweepInterval = properties.worker().orphanSweepInterval();
        this.recovery = recovery;
        this.credentials = credentials;
        this.health = health;
        this.steps = steps;
        this.runner = runner;
        this.executor = executor;
        this.containers = containers;
        this.engine = engine;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        try {
            List<ClaimedStep> mine = steps.ownedRunning();
            if (!mine.isEmpty()) {
                log.info("Adopting {} step(s) this worker was running before it restarted", mine.size());
            }
            mine.forEach(this::adopt);
            adoptions.increment(mine.size());
            if (engine.isReachable()) {
                reapUnowned();
            }
            credentials.removeAllBut(steps::liveExecutions);
        } catch (RuntimeException e) {
            log.warn("Start-up recovery failed ({}); the periodic sweep will adopt expired leases", e.toString());
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        PeriodicTasks.every(registrar, meters, "the orphan sweep", sweepInterval, this::runOnce);
    }

    /** Takes over and adopts steps with expired leases, and clears what settled steps left; answers how many were adopted. */
    public int runOnce() {
        if (!engine.isReachable()) {
            return 0;
        }
        sweepLeftovers();
        // why: taking a step over may start its container here; a host that cannot run containers leaves it to others
        if (!health.mayClaim()) {
            return 0;
        }
        int adopted = 0;
        for (UUID id : steps.expired(engine.engineId(), recovery.foreignHostGrace(), TAKE_OVER_BATCH)) {
            if (executor.isActive(id)) {
                continue;
            }
            var taken = steps.takeOver(id);
            if (taken.isPresent()) {
                log.info("Step {} ({}) lost its worker (lease expired); adopting it", id, taken.get().tool());
                takeovers.increment();
                adopt(taken.get());
                adopted++;
            }
        }
        return adopted;
    }

    private void adopt(ClaimedStep step) {
        executor.runAdopted(step, slot -> runner.adopt(step, slot));
    }

    /**
     * What a step that settled while the database or the engine was away may have left: staged credentials
     * and an exited container. Only exited containers are removed here; one that runs is only removed at
     * start-up (by then its worker is gone for sure).
     */
    private void sweepLeftovers() {
        try {
            credentials.removeAllBut(steps::liveExecutions);
            reap(containers.managedContainers().stream().filter(c -> "exited".equals(c.getState()) || "dead".equals(c.getState())).toList());
        } catch (RuntimeException e) {
            log.debug("Sweeping leftovers failed ({}); retrying next round", e.toString());
        }
    }

    private static boolean isKnown(String step, Set<UUID> known) {
        try {
            return step != null && known.contains(UUID.fromString(step));
        } catch (IllegalArgumentException notOurs) {
            return false;
        }
    }

    /** Removes this installation's containers whose step attempt is not running any more. */
    void reapUnowned() {
        reap(containers.managedContainers());
    }

    private void reap(List<Container> managed) {
        if (managed.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>();
        for (Container c : managed) {
            String step = c.getLabels().get(ContainerRunner.LABEL_STEP);
            if (step != null) {
                try {
                    ids.add(UUID.fromString(step));
                } catch (IllegalArgumentException ignored) {
                    // a label we did not write; treated as unowned below
                }
            }
        }
        Set<String> live = steps.liveAttempts(ids);
        // why: a container from before installation ids may be another installation's; it is ours only if its step is
        Set<UUID> known = managed.stream().anyMatch(ContainerRunner::isLegacy) ? steps.statesOf(ids).keySet() : Set.of();
        for (Container c : managed) {
            Map<String, String> labels = c.getLabels();
            String key = labels.get(ContainerRunner.LABEL_STEP) + "#" + labels.get(ContainerRunner.LABEL_ATTEMPT);
            if (ContainerRunner.isLegacy(c) && !isKnown(labels.get(ContainerRunner.LABEL_STEP), known)) {
                continue;
            }
            if (!live.contains(key)) {
                log.info("Removing container {} ({}): no running step owns it", c.getNames() == null ? c.getId() : String.join(",", c.getNames()),
                        c.getState());
                containers.remove(c.getId());
            }
        }
    }
}
