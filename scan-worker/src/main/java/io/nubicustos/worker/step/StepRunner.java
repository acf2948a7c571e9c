package io.nubicustos.worker.step;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.worker.docker.ContainerExit;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.ContainerSpec;
import io.nubicustos.worker.docker.ContainerSpec.BindMount;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.docker.StepFailure;
import io.nubicustos.worker.system.WorkerIdentity;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs one claimed step to the end of its container: prepare the step's own report directory,
 * create and start the container (or adopt the one already running), wait for its exit, keep the log
 * tail, remove it, move the step to {@code reporting} or {@code failed}, and wake the processor.
 */
@Component
public class StepRunner {

    private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

    private final StepRepository steps;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final CompletionPublisher completions;
    private final StepExecutor executor;
    private final WorkerProperties properties;
    private final String workerId;
    private final MeterRegistry meters;
    private final RunningContainers running;

    StepRunner(StepRepository steps, ContainerRunner containers, DockerEngine engine, CompletionPublisher completions,
               StepExecutor executor, WorkerProperties properties, WorkerIdentity identity, MeterRegistry meters,
               RunningContainers running) {
        this.running = running;
        this.steps = steps;
        this.containers = containers;
        this.engine = engine;
        this.completions = completions;
        this.executor = executor;
        this.properties = properties;
        this.workerId = identity.id();
        this.meters = meters;
    }

    /** Runs a step this worker just claimed (or took over before any container was created). */
    public void run(ClaimedStep step) {
        Timer.Sample timing = Timer.start(meters);
        String containerId = null;
        boolean settled = false;
        try {
            Optional<InspectContainerResponse> existing = containers.find(step.containerName());
            if (existing.isPresent()) {
                // why: this attempt created its container before the previous owner died; adopt it
                containerId = existing.get().getId();
            } else {
                Path reportDir = prepareReportDirectory(step);
                containers.ensureImage(step.plan().image());
                containers.ensureNetwork(step.plan().network());
                containerId = containers.create(spec(step, reportDir));
            }
            if (!steps.recordContainer(step, containerId)) {
                settled = true;
                return;
            }
            running.put(step.id(), containerId);
            containers.start(containerId);
            log.info("Step {} ({}) of scan {}: container {} started (attempt {})", step.id(), step.tool(), step.scanId(),
                    step.containerName(), step.attempt());
            settled = finish(step.withContainer(containerId), timing);
        } catch (StepFailure e) {
            settled = fail(step, null, null, containerId == null ? "" : containers.logTail(containerId, tailLines()), e.getMessage(), timing);
        } catch (RuntimeException e) {
            settled = onInfrastructureError(step, containerId, e, timing);
        } finally {
            running.remove(step.id());
            if (settled) {
                containers.remove(containerId);
            }
        }
    }

    /** Waits for a container an earlier owner started, then finishes the step as usual. */
    public void adopt(ClaimedStep step) {
        Timer.Sample timing = Timer.start(meters);
        String containerId = step.containerId() != null ? step.containerId()
                : containers.find(step.containerName()).map(InspectContainerResponse::getId).orElse(null);
        if (containerId == null || containers.find(containerId).isEmpty()) {
            if (step.containerId() == null) {
                log.info("Step {} ({}) was claimed but its container was never created; starting it now", step.id(), step.tool());
                run(step);
                return;
            }
            retryOrFail(step, "container " + step.containerName() + " vanished while its worker was gone"
                    + " (removed outside Nubicustos, or its Docker host was reset)", timing);
            return;
        }
        log.info("Step {} ({}) of scan {}: adopting container {}", step.id(), step.tool(), step.scanId(), step.containerName());
        running.put(step.id(), containerId);
        boolean settled = false;
        try {
            settled = finish(step.withContainer(containerId), timing);
        } catch (StepFailure e) {
            settled = fail(step, null, null, containers.logTail(containerId, tailLines()), e.getMessage(), timing);
        } catch (RuntimeException e) {
            settled = onInfrastructureError(step, containerId, e, timing);
        } finally {
            running.remove(step.id());
            if (settled) {
                containers.remove(containerId);
            }
        }
    }

    /** Waits for the exit and records it; true when the step is settled (so the container may go). */
    private boolean finish(ClaimedStep step, Timer.Sample timing) {
        StepPlan plan = step.plan();
        Long timeoutSeconds = plan.limits().timeoutSeconds();
        ContainerExit exit = containers.await(step.containerId(), timeoutSeconds == null ? null : java.time.Duration.ofSeconds(timeoutSeconds));
        if (exit.vanished()) {
            return retryOrFail(step, "container " + step.containerName() + " vanished before it exited (removed outside Nubicustos)", timing);
        }
        if (exit.timedOut()) {
            return fail(step, exit.exitCode(), exit.oomKilled(), containers.logTail(step.containerId(), tailLines()),
                    "timed out after " + plan.limits().timeout() + ": the container was killed", timing);
        }
        if (plan.stdoutReport() != null) {
            containers.writeStdout(step.containerId(), reportDirectory(step).resolve(plan.stdoutReport()));
        }
        String tail = containers.logTail(step.containerId(), tailLines());
        if (exit.oomKilled()) {
            return fail(step, exit.exitCode(), true, tail, "out of memory (limit " + plan.limits().memory()
                    + "): the kernel killed the container, exit code " + exit.exitCode(), timing);
        }
        if (!plan.acceptsExitCode(exit.exitCode())) {
            return fail(step, exit.exitCode(), false, tail, step.tool() + " exited with code " + exit.exitCode()
                    + ", which is not one of its expected exit codes " + plan.expectedExitCodes(), timing);
        }
        boolean moved = steps.toReporting(step, exit.exitCode(), false, tail);
        if (moved) {
            steps.attemptOutcome(step, "exited " + exit.exitCode(), null);
            record(step, "reporting", timing);
            completions.publish(step, StepStatus.REPORTING.db(), exit.exitCode());
            log.info("Step {} ({}) of scan {}: exited {} (expected); report handed to the processor", step.id(), step.tool(),
                    step.scanId(), exit.exitCode());
        }
        return true;
    }

    /** The container is gone without a result: another attempt if any are left, else the step fails. */
    private boolean retryOrFail(ClaimedStep step, String reason, Timer.Sample timing) {
        int maxAttempts = properties.worker().maxAttempts();
        if (step.attempt() < maxAttempts) {
            if (steps.requeue(step, reason + "; retrying (attempt " + step.attempt() + " of " + maxAttempts + ")")) {
                record(step, "retried", timing);
                log.info("Step {} ({}) of scan {}: {}; queued again for attempt {}", step.id(), step.tool(), step.scanId(), reason,
                        step.attempt() + 1);
            }
            return true;
        }
        return fail(step, null, null, "", reason + " (attempt " + step.attempt() + " of " + maxAttempts + ")", timing);
    }

    private boolean fail(ClaimedStep step, Integer exitCode, Boolean oomKilled, String tail, String reason, Timer.Sample timing) {
        if (steps.toFailed(step, exitCode, oomKilled, tail, reason)) {
            steps.attemptOutcome(step, "failed", reason);
            record(step, "failed", timing);
            completions.publish(step, StepStatus.FAILED.db(), exitCode);
            log.info("Step {} ({}) of scan {} failed: {}", step.id(), step.tool(), step.scanId(), reason);
        }
        return true;
    }

    /**
     * The engine or the database failed under us. If the worker is stopping, or the engine is gone,
     * the container is left as it is: the lease expires and a sweeper (here or on another worker)
     * adopts it. Otherwise the error is about this step, and the step fails with it.
     */
    private boolean onInfrastructureError(ClaimedStep step, String containerId, RuntimeException e, Timer.Sample timing) {
        if (executor.isStopping() || Thread.currentThread().isInterrupted()) {
            log.info("Step {} ({}) left running while this worker stops; it is adopted after restart", step.id(), step.tool());
            return false;
        }
        if (!engine.isReachable()) {
            log.warn("Step {} ({}): Docker engine unreachable ({}); the step is left to its lease and will be adopted or failed by a sweeper",
                    step.id(), step.tool(), e.toString());
            return false;
        }
        log.warn("Step {} ({}) failed on a Docker or database error", step.id(), step.tool(), e);
        try {
            return fail(step, null, null, containerId == null ? "" : containers.logTail(containerId, tailLines()),
                    "the worker could not run the container: " + e.getMessage(), timing);
        } catch (RuntimeException again) {
            log.warn("Step {} could not be marked failed ({}); its lease will expire and a sweeper moves it on", step.id(), again.toString());
            return false;
        }
    }

    private void record(ClaimedStep step, String outcome, Timer.Sample timing) {
        timing.stop(meters.timer("nubicustos.step.duration", "tool", step.tool(), "outcome", outcome));
        meters.counter("nubicustos.steps.finished", "tool", step.tool(), "outcome", outcome).increment();
    }

    private ContainerSpec spec(ClaimedStep step, Path reportDir) {
        StepPlan plan = step.plan();
        List<BindMount> binds = new ArrayList<>();
        binds.add(new BindMount(properties.reports().hostRoot() + "/" + step.scanId() + "/" + step.tool(), plan.reportPath(), false));
        if (plan.credentials() != null) {
            binds.add(new BindMount(properties.credentials().hostPathFor(plan.credentials().kind()), plan.credentials().mount(), true));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ContainerRunner.LABEL_MANAGED, "true");
        labels.put(ContainerRunner.LABEL_SCAN, step.scanId().toString());
        labels.put(ContainerRunner.LABEL_STEP, step.id().toString());
        labels.put(ContainerRunner.LABEL_TOOL, step.tool());
        labels.put(ContainerRunner.LABEL_ATTEMPT, Integer.toString(step.attempt()));
        labels.put(ContainerRunner.LABEL_WORKER, workerId);
        Double cpus = plan.limits().cpus();
        return new ContainerSpec(step.containerName(), plan.image(), plan.entrypoint(), plan.command(), plan.environment(),
                labels, binds, plan.namedVolumes(), plan.network(), plan.limits().memoryBytes(),
                cpus == null ? null : (long) (cpus * 1_000_000_000L), plan.limits().pids() == null ? null : plan.limits().pids().longValue());
    }

    private Path reportDirectory(ClaimedStep step) {
        return properties.reports().path().resolve(step.scanId().toString()).resolve(step.tool());
    }

    /** A fresh, empty, world-writable directory: tools often run as a non-root user inside their image. */
    private Path prepareReportDirectory(ClaimedStep step) {
        Path dir = reportDirectory(step);
        try {
            if (Files.exists(dir)) {
                // why: an earlier attempt's partial files must not be read as this attempt's report
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                // why: on a non-POSIX file system the engine's own permissions apply
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare report directory " + dir, e);
        }
    }

    private int tailLines() {
        return properties.worker().logTailLines();
    }
}
