package io.nubicustos.worker.step;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.logs.Redaction;
import io.nubicustos.worker.credentials.StagedCredentials;
import io.nubicustos.worker.docker.ContainerExit;
import io.nubicustos.worker.docker.ContainerExits;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.EngineUnavailable;
import io.nubicustos.worker.docker.HostHealth;
import io.nubicustos.worker.docker.ImageUnavailable;
import io.nubicustos.worker.docker.StepFailure;
import io.nubicustos.worker.docker.StepLogs;
import io.nubicustos.worker.docker.Watch;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs one claimed step to the end of its container: prepare the step's own report directory and its
 * staged credentials, create and start the container (or adopt the one already there), wait for its exit
 * through Docker engine restarts, and hand the exit to {@link StepOutcomes}, which says what it means for
 * the step ({@code reporting}, another attempt, or {@code failed}) and wakes the processor.
 *
 * <p>What this class never does: remove a container that may still run, or settle a step that is no
 * longer this worker's. A container is removed only once it has exited and this worker's own transition
 * applied (or the step was cancelled). A database error leaves the step as it is, running under its
 * lease: when the lease expires, a sweeper adopts the container. A Docker engine that goes away is waited
 * for; the container is found again when it comes back.
 */
@Component
public class StepRunner {

    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

    private final StepRepository steps;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final StepExecutor executor;
    private final WorkerProperties properties;
    private final MeterRegistry meters;
    private final RunningContainers running;
    private final ReportDirectories directories;
    private final StagedCredentials credentials;
    private final ContainerSpecs specs;
    private final StepOutcomes outcomes;
    private final ContainerExits exits;
    private final HostHealth health;
    private final RecoveryPolicy recovery;
    private final StepLogs logs;
    private final ImageSources images;
    private final ExecutorService cleanup = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "container-cleanup");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "exit-recorder");
        t.setDaemon(true);
        return t;
    });

    StepRunner(StepRepository steps, ContainerRunner containers, DockerEngine engine, StepOutcomes outcomes,
               StepExecutor executor, WorkerProperties properties, MeterRegistry meters, RunningContainers running,
               ReportDirectories directories, StagedCredentials credentials, ContainerSpecs specs,
               ContainerExits exits, HostHealth health, RecoveryPolicy recovery, StepLogs logs, ImageSources images) {
        this.logs = logs;
        this.images = images;
        this.recovery = recovery;
        this.exits = exits;
        this.health = health;
        this.steps = steps;
        this.containers = containers;
        this.engine = engine;
        this.outcomes = outcomes;
        this.executor = executor;
        this.properties = properties;
        this.meters = meters;
        this.running = running;
        this.directories = directories;
        this.credentials = credentials;
        this.specs = specs;
    }

    /** Runs a step this worker just claimed, in the slot reserved for it. */
    public void run(ClaimedStep step, StepExecutor.Slot slot) {
        run(step, slot, false);
    }

    /**
     * @param mayExist whether this attempt's container may exist already (a step taken over before its container
     *                 started); a fresh claim is a new attempt, whose container cannot exist, so nothing is looked up
     */
    private void run(ClaimedStep step, StepExecutor.Slot slot, boolean mayExist) {
        Timer.Sample timing = Timer.start(meters);
        String containerId = null;
        Redaction redaction = Redaction.patterns();
        boolean neverStarted = true;
        Instant started = null;
        try {
            Optional<InspectContainerResponse> existing = mayExist ? containers.find(step.containerName()).filter(containers::isOurs)
                    : Optional.empty();
            if (existing.isPresent()) {
                // why: this attempt created its container before the previous owner died; it is this attempt's container,
                // and it is started only if it never was (an exited container started again would run the tool twice)
                containerId = existing.get().getId();
                neverStarted = "created".equals(existing.get().getState().getStatus());
                redaction = Redaction.of(join(credentials.secretsOf(awsProfile(step), step.executionId()), specs.passedSecrets(step.plan())));
            } else {
                Path reportDir = directories.prepare(step.scanId(), step.tool());
                StagedCredentials.Staged staged = stageCredentials(step);
                redaction = Redaction.of(join(staged == null ? List.of() : staged.secrets(), specs.passedSecrets(step.plan())));
                containers.ensureImage(step.plan().image());
                String network = containers.ensureNetwork(step.plan().network());
                containerId = containers.create(specs.of(step, reportDir, staged, network));
            }
            if (!steps.recordContainer(step, containerId, provenance(step, containerId))) {
                // why: cancelled or taken over before the container started; it never ran, so it can go
                settledRemove(step, containerId, neverStarted);
                return;
            }
            if (neverStarted) {
                containers.start(containerId, step.plan().image());
                started = Instant.now();
                health.containerStarted();
            }
        } catch (ImageUnavailable e) {
            // why: the image's problem, not the host's: never counted against this worker's health (one missing image
            // used to make every worker sick and stop every tool); another attempt may land on a host that has it
            String reason = e.withHint(images.howToGet(step)).getMessage();
            log.warn("Step {} ({}): {}; this worker stays healthy and runs other tools", step.id(), step.tool(), reason);
            settledRemove(step, containerId, outcomes.retryOrFail(step, reason, timing));
            return;
        } catch (StepFailure e) {
            settledRemove(step, containerId, outcomes.fail(step, null, null, "", e.getMessage(), timing));
            return;
        } catch (RuntimeException e) {
            if (leaveAsItIs(step, e)) {
                return;
            }
            String reason = "the Docker host could not run the container: " + firstLine(e);
            // why: a name held by a container that is not this attempt's says nothing about the host
            if (!(e instanceof ContainerRunner.NameTaken)) {
                health.infrastructureFailed(step.plan(), reason);
            }
            boolean engineAnswers = engine.probe();
            log.warn("Step {} ({}) on Docker engine {}: {}; the step goes back to the queue{}", step.id(), step.tool(), engine.describe(),
                    reason, engineAnswers ? "" : ", and this worker claims nothing until its Docker engine answers again");
            settledRemove(step, containerId, outcomes.retryOrFail(step, reason, timing));
            return;
        }
        log.info("Step {} ({}) of scan {}: container {} started (attempt {})", step.id(), step.tool(), step.scanId(),
                step.containerName(), step.attempt());
        follow(step.withContainer(containerId), slot, started, redaction, timing);
    }

    /** Waits for a container an earlier owner started, then finishes the step as usual. */
    public void adopt(ClaimedStep step, StepExecutor.Slot slot) {
        Timer.Sample timing = Timer.start(meters);
        String containerId;
        try {
            containerId = step.containerId() != null ? step.containerId()
                    : containers.find(step.containerName()).map(InspectContainerResponse::getId).orElse(null);
            // why: a container of another installation (one whose database this one was copied from) is not this step's
            Optional<InspectContainerResponse> container = containerId == null ? Optional.empty()
                    : containers.find(containerId).filter(containers::isOurs);
            switch (recovery.orphan(step.containerId() != null, container.map(c -> c.getState().getStatus()).orElse(null))) {
                case START -> {
                    log.info("Step {} ({}) was claimed but its container was never started; starting it now", step.id(), step.tool());
                    run(step, slot, true);
                    return;
                }
                case LOST -> {
                    settledRemove(step, null, outcomes.retryOrFail(step, "container " + step.containerName()
                            + " vanished while its worker was gone (removed outside Nubicustos, or its Docker host was reset)", timing));
                    return;
                }
                case FOLLOW -> {
                    // the container ran: it is waited for, or collected, below
                }
            }
        } catch (RuntimeException e) {
            log.warn("Step {} ({}) cannot be adopted now ({}); its lease will expire and it is adopted again later", step.id(),
                    step.tool(), e.toString());
            return;
        }
        log.info("Step {} ({}) of scan {}: adopting container {}", step.id(), step.tool(), step.scanId(), step.containerName());
        follow(step.withContainer(containerId), slot, null, Redaction.of(credentials.secretsOf(awsProfile(step), step.executionId())), timing);
    }

    /**
     * Waits for the container and settles the step; removes the container only when that is safe. The exit
     * is recorded the moment it is known, and the slot freed with it: what follows (log tail, saving standard
     * output, the transition, removing the container) is off the path of the next claim.
     *
     * @param started when this worker started the container, or null when it did not (then the engine says)
     */
    private void follow(ClaimedStep step, StepExecutor.Slot slot, Instant started, Redaction redaction, Timer.Sample timing) {
        Watch watch = running.watch(step.id(), step.attempt(), step.containerId());
        StepLogs.Live liveLog = logs.follow(step.scanId(), step.tool(), step.containerId(), redaction);
        boolean removable = false;
        // why: the engine's die event comes before its wait answers (which waits for the clean-up); the exit is
        // on the row and the slot free from that moment, the wait below stays the authority
        exits.expect(step.containerId()).thenAcceptAsync(died -> {
            try {
                steps.recordExit(step, died.exitCode(), died.oomKilled());
            } catch (RuntimeException e) {
                log.debug("Step {}: the exit could not be recorded at once ({}); it is when the wait answers", step.id(), e.toString());
            }
            slot.free();
        }, recorder);
        try {
            ContainerExit exit = awaitThroughEngineRestarts(step, watch, started);
            if (exit == null) {
                return;
            }
            if (exit.released()) {
                log.info("Step {} ({}) attempt {} was taken over by another worker; it now waits for container {}, which is left"
                        + " running", step.id(), step.tool(), step.attempt(), step.containerName());
                return;
            }
            if (exit.exitCode() != null) {
                steps.recordExit(step, exit.exitCode(), exit.oomKilled());
                meters.counter("nubicustos.step.exits", "tool", step.tool(), "exit_code", Integer.toString(exit.exitCode())).increment();
            }
            slot.free();
            removable = outcomes.settle(step, exit, redaction, timing);
        } catch (StepFailure e) {
            removable = outcomes.fail(step, null, null, redaction.apply(containers.logTail(step.containerId(), tailLines())), e.getMessage(), timing)
                    || outcomes.isCancelled(step);
        } catch (RuntimeException e) {
            removable = cannotCollect(step, e, timing);
        } finally {
            liveLog.close();
            exits.forget(step.containerId());
            running.remove(step.id(), watch);
        }
        settledRemove(step, step.containerId(), removable);
    }

    /**
     * The container ended but its result could not be collected (its logs cannot be read, the disk is
     * full). Leaving the step to its lease would have it adopted and fail the same way for ever; so, unless
     * the database or the engine is away (then it is adopted once they are back), the step fails, saying why.
     */
    private boolean cannotCollect(ClaimedStep step, RuntimeException e, Timer.Sample timing) {
        if (leaveAsItIs(step, e)) {
            return false;
        }
        if (!engine.probe()) {
            log.warn("Step {} ({}): the Docker engine went away while the result was collected ({}); the step is adopted when it is back",
                    step.id(), step.tool(), firstLine(e));
            return false;
        }
        log.warn("Step {} ({}): its result could not be collected", step.id(), step.tool(), e);
        try {
            return outcomes.fail(step, null, null, "", "the worker could not collect the tool's result: " + firstLine(e), timing) || outcomes.isCancelled(step);
        } catch (RuntimeException again) {
            log.warn("Step {} could not be marked failed either ({}); it is adopted when its lease expires", step.id(), again.toString());
            return false;
        }
    }

    /**
     * The exit of the container, waiting out Docker engine restarts: when the engine goes away, the
     * container is left as it is and found again once the engine answers. Null when this worker stops.
     */
    private ContainerExit awaitThroughEngineRestarts(ClaimedStep step, Watch watch, Instant started) {
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
                if (!waitForEngine(watch)) {
                    return watch.released() ? ContainerExit.releasedContainer() : null;
                }
                knownStart = null;
            }
        }
    }

    private boolean waitForEngine(Watch watch) {
        long pause = 500;
        while (!executor.isStopping() && !watch.released()) {
            if (engine.probe()) {
                return true;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, 5_000);
        }
        return false;
    }

    /**
     * A failure that is nobody's verdict on the step: the worker is stopping, or the database is
     * unreachable. The step is left running under its lease, its container as it is; when the lease
     * expires a sweeper (here or elsewhere) adopts the container.
     */
    private boolean leaveAsItIs(ClaimedStep step, RuntimeException e) {
        if (executor.isStopping() || Thread.currentThread().isInterrupted()) {
            log.info("Step {} ({}) left as it is while this worker stops; it is adopted after restart", step.id(), step.tool());
            return true;
        }
        if (isDatabaseFailure(e)) {
            log.warn("Step {} ({}): the database is unreachable ({}); the step and its container are left as they are and adopted"
                    + " when the lease expires", step.id(), step.tool(), firstLine(e));
            return true;
        }
        return false;
    }

    private static boolean isDatabaseFailure(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof DataAccessException || e instanceof TransactionException || e instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private void settledRemove(ClaimedStep step, String containerId, boolean removable) {
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

    /** The image the container really runs and the tool's version; unknown (never a failure of the step) if the engine will not say. */
    private ContainerRunner.Provenance provenance(ClaimedStep step, String containerId) {
        try {
            return containers.provenance(containerId, step.plan().image());
        } catch (ImageUnavailable refused) {
            throw refused;
        } catch (RuntimeException e) {
            log.warn("Step {} ({}): the image container {} runs could not be looked up ({}); its provenance stays unknown", step.id(),
                    step.tool(), containerId, e.toString());
            return ContainerRunner.Provenance.UNKNOWN;
        }
    }

    private StagedCredentials.Staged stageCredentials(ClaimedStep step) {
        var mount = step.plan().credentials();
        if (mount == null) {
            return null;
        }
        return switch (mount.kind()) {
            case "aws" -> credentials.stage(step.executionId(), awsProfile(step), mount.ambient());
            case "kube" -> credentials.stageKube(step.executionId());
            default -> null;
        };
    }

    private static String awsProfile(ClaimedStep step) {
        return step.plan().environment().getOrDefault("AWS_PROFILE", "default");
    }

    private int tailLines() {
        return properties.worker().logTailLines();
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static List<String> join(java.util.Collection<String> first, List<String> second) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
