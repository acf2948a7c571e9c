package io.nubicustos.worker.step;

import io.nubicustos.support.loop.DaemonThreads;
import com.github.dockerjava.api.command.InspectContainerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.logs.Redaction;
import io.nubicustos.worker.docker.ContainerExit;
import io.nubicustos.worker.docker.ContainerExits;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.StepFailure;
import io.nubicustos.worker.docker.Watch;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.nubicustos.worker.step.LeaveAsItIs.firstLine;

/**
 * Runs one claimed step to the end of its container: {@link StepLaunch} starts it (or adopts the one already there),
 * {@link EngineAwareWait} waits for its exit through Docker engine restarts, {@link StepOutcomes} says what the exit
 * means for the step ({@code reporting}, another attempt, or {@code failed}) and wakes the processor, and
 * {@link AttemptCleanup} removes what the attempt left once that is safe.
 *
 * <p>What this class never does: remove a container that may still run, or settle a step that is no
 * longer this worker's. A database error leaves the step as it is, running under its lease ({@link LeaveAsItIs}):
 * when the lease expires, a sweeper adopts the container. A Docker engine that goes away is waited for; the container
 * is found again when it comes back.
 */
@Component
public class StepRunner {

    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

    private final StepLaunch launch;
    private final EngineAwareWait wait;
    private final StepOutcomes outcomes;
    private final AttemptCleanup cleanup;
    private final LeaveAsItIs leave;
    private final StepRepository steps;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final RunningContainers running;
    private final ContainerExits exits;
    private final RecoveryPolicy recovery;
    private final StepLogs logs;
    private final MeterRegistry meters;
    private final int tailLines;
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(DaemonThreads.named("exit-recorder"));

    StepRunner(StepLaunch launch, EngineAwareWait wait, StepOutcomes outcomes, AttemptCleanup cleanup, LeaveAsItIs leave,
               StepRepository steps, ContainerRunner containers, DockerEngine engine, RunningContainers running, ContainerExits exits,
               RecoveryPolicy recovery, StepLogs logs, MeterRegistry meters, WorkerProperties properties) {
        this.launch = launch;
        this.wait = wait;
        this.outcomes = outcomes;
        this.cleanup = cleanup;
        this.leave = leave;
        this.steps = steps;
        this.containers = containers;
        this.engine = engine;
        this.running = running;
        this.exits = exits;
        this.recovery = recovery;
        this.logs = logs;
        this.meters = meters;
        this.tailLines = properties.worker().logTailLines();
    }

    /** Runs a step this worker just claimed, in the slot reserved for it. */
    public void run(ClaimedStep step, StepExecutor.Slot slot) {
        run(new StepAttempt(step, slot, Redaction.patterns(), Timer.start(meters)), false);
    }

    private void run(StepAttempt attempt, boolean mayExist) {
        Optional<StepLaunch.Launched> launched = launch.launch(attempt, mayExist);
        launched.ifPresent(started -> follow(attempt.withContainer(started.containerId()).withRedaction(started.redaction()),
                started.started()));
    }

    /** Waits for a container an earlier owner started, then finishes the step as usual. */
    public void adopt(ClaimedStep step, StepExecutor.Slot slot) {
        StepAttempt attempt = new StepAttempt(step, slot, Redaction.patterns(), Timer.start(meters));
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
                    run(attempt, true);
                    return;
                }
                case LOST -> {
                    cleanup.afterSettled(step, null, outcomes.retryOrFail(step, "container " + step.containerName()
                            + " vanished while its worker was gone (removed outside Nubicustos, or its Docker host was reset)",
                            attempt.timing()));
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
        follow(attempt.withContainer(containerId).withRedaction(launch.redactionOf(step)), null);
    }

    /**
     * Waits for the container and settles the step; removes the container only when that is safe. The exit
     * is recorded the moment it is known, and the slot freed with it: what follows (log tail, saving standard
     * output, the transition, removing the container) is off the path of the next claim.
     *
     * @param started when this worker started the container, or null when it did not (then the engine says)
     */
    private void follow(StepAttempt attempt, Instant started) {
        ClaimedStep step = attempt.step();
        Watch watch = running.watch(step.id(), step.attempt(), step.containerId());
        StepLogs.Live liveLog = logs.follow(step.scanId(), step.tool(), step.containerId(), attempt.redaction());
        boolean removable = false;
        // why: the engine's die event comes before its wait answers (which waits for the clean-up); the exit is
        // on the row and the slot free from that moment, the wait below stays the authority
        exits.expect(step.containerId()).thenAcceptAsync(died -> {
            try {
                steps.recordExit(step, died.exitCode(), died.oomKilled());
            } catch (RuntimeException e) {
                log.debug("Step {}: the exit could not be recorded at once ({}); it is when the wait answers", step.id(), e.toString());
            }
            attempt.slot().free();
        }, recorder);
        try {
            ContainerExit exit = wait.exitOf(step, watch, started);
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
            attempt.slot().free();
            removable = outcomes.settle(step, exit, attempt.redaction(), attempt.timing());
        } catch (StepFailure e) {
            removable = outcomes.fail(step, null, null, attempt.redaction().apply(containers.logTail(step.containerId(), tailLines)),
                    e.getMessage(), attempt.timing()) || outcomes.isCancelled(step);
        } catch (RuntimeException e) {
            removable = cannotCollect(attempt, e);
        } finally {
            liveLog.close();
            exits.forget(step.containerId());
            running.remove(step.id(), watch);
        }
        cleanup.afterSettled(step, step.containerId(), removable);
    }

    /**
     * The container ended but its result could not be collected (its logs cannot be read, the disk is
     * full). Leaving the step to its lease would have it adopted and fail the same way for ever; so, unless
     * the database or the engine is away (then it is adopted once they are back), the step fails, saying why.
     */
    private boolean cannotCollect(StepAttempt attempt, RuntimeException e) {
        ClaimedStep step = attempt.step();
        if (leave.applies(step, e)) {
            return false;
        }
        if (!engine.probe()) {
            log.warn("Step {} ({}): the Docker engine went away while the result was collected ({}); the step is adopted when it is back",
                    step.id(), step.tool(), firstLine(e));
            return false;
        }
        log.warn("Step {} ({}): its result could not be collected", step.id(), step.tool(), e);
        try {
            return outcomes.fail(step, null, null, "", "the worker could not collect the tool's result: " + firstLine(e), attempt.timing())
                    || outcomes.isCancelled(step);
        } catch (RuntimeException again) {
            log.warn("Step {} could not be marked failed either ({}); it is adopted when its lease expires", step.id(), again.toString());
            return false;
        }
    }
}
