package io.nubicustos.worker.step;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nubicustos.model.logs.Redaction;
import io.nubicustos.model.scan.StepPlan;
import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.worker.docker.ContainerExit;
import io.nubicustos.worker.docker.ContainerRunner;
import io.nubicustos.worker.docker.DockerEngine;
import io.nubicustos.worker.reports.ReportDirectories;
import io.nubicustos.worker.system.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * What an attempt's end means for its step: a report handed to the processor ({@code reporting}), another
 * attempt (an end that says nothing about the tool: the container vanished or was stopped from outside), or
 * {@code failed} with a reason a person can act on. Each transition applies only while the step is still this
 * worker's attempt; every method answers whether the container may now be removed (the transition applied, or
 * the step was cancelled meanwhile).
 */
@Component
class StepOutcomes {

    private static final Logger log = LoggerFactory.getLogger(StepOutcomes.class);

    private final StepRepository steps;
    private final ContainerRunner containers;
    private final DockerEngine engine;
    private final CompletionPublisher completions;
    private final WorkerProperties properties;
    private final MeterRegistry meters;
    private final ReportDirectories directories;
    private final StdoutCapture stdout;
    private final RecoveryPolicy recovery;
    private final StepLogs logs;

    StepOutcomes(StepRepository steps, ContainerRunner containers, DockerEngine engine, CompletionPublisher completions,
                 WorkerProperties properties, MeterRegistry meters, ReportDirectories directories, StdoutCapture stdout,
                 RecoveryPolicy recovery, StepLogs logs) {
        this.logs = logs;
        this.steps = steps;
        this.containers = containers;
        this.engine = engine;
        this.completions = completions;
        this.properties = properties;
        this.meters = meters;
        this.directories = directories;
        this.stdout = stdout;
        this.recovery = recovery;
    }

    /** Records how the container ended; answers whether the container may now be removed. */
    boolean settle(ClaimedStep step, ContainerExit exit, Redaction redaction, Timer.Sample timing) {
        StepPlan plan = step.plan();
        if (exit.vanished()) {
            return retryOrFail(step, "container " + step.containerName() + " vanished before it exited (removed outside Nubicustos)", timing);
        }
        String tail = redaction.apply(containers.logTail(step.containerId(), properties.worker().logTailLines()));
        // why: before the step stops running: the API's live follower ends on that, and the processor reads the log
        logs.save(step.scanId(), step.tool(), step.containerId(), redaction, properties.worker().stdoutTimeout());
        if (exit.timedOut()) {
            return fail(step, exit.exitCode(), exit.oomKilled(), tail, "timed out after " + plan.limits().timeout()
                    + ": the container was killed", timing) || isCancelled(step);
        }
        if (exit.killedByUs()) {
            log.info("Step {} ({}) was cancelled; its container was killed", step.id(), step.tool());
            return true;
        }
        if (exit.stoppedFromOutside()) {
            // why: an engine that is stopping its containers is about to go away; no claims until it answers again
            engine.probe();
            return retryOrFail(step, "the container was stopped from outside the tool (exit code " + exit.exitCode()
                    + "): the Docker engine restarted, the host shut down, or someone ran docker stop", timing);
        }
        if (exit.oomKilled()) {
            return fail(step, exit.exitCode(), true, tail, "out of memory (limit " + plan.limits().memory()
                    + "): the kernel killed the container, exit code " + exit.exitCode(), timing) || isCancelled(step);
        }
        if (!plan.acceptsExitCode(exit.exitCode())) {
            return fail(step, exit.exitCode(), false, tail, step.tool() + " exited with code " + exit.exitCode()
                    + ", which is not one of its expected exit codes " + plan.expectedExitCodes(), timing) || isCancelled(step);
        }
        String captureNote = null;
        if (plan.stdoutReport() != null) {
            long max = properties.worker().stdoutMaxSize().toBytes();
            Duration limit = properties.worker().stdoutTimeout();
            StdoutCapture.Result saved = stdout.save(step.containerId(), directories.reportDirectory(step.scanId(), step.tool()),
                    plan.stdoutReport(), max, limit, plan.reportKeepsStderr());
            String note = saved.note(plan.stdoutReport(), max, limit);
            captureNote = note.isEmpty() ? null : note;
        }
        boolean moved = steps.toReporting(step, exit.exitCode(), false, tail, captureNote);
        if (moved) {
            steps.attemptOutcome(step, "exited " + exit.exitCode(), null);
            record(step, "reporting", timing);
            completions.publish(step, StepStatus.REPORTING.db(), exit.exitCode());
            log.info("Step {} ({}) of scan {}: exited {} (expected); report handed to the processor", step.id(), step.tool(),
                    step.scanId(), exit.exitCode());
        }
        return moved || isCancelled(step);
    }

    /** The attempt ended without a result of the tool's own: another attempt if any are left, else the step fails. */
    boolean retryOrFail(ClaimedStep step, String reason, Timer.Sample timing) {
        if (recovery.retries(step.attempt())) {
            boolean requeued = steps.requeue(step, recovery.retrying(reason, step.attempt()), recovery.backoff(step.attempt()));
            if (requeued) {
                record(step, "retried", timing);
                log.info("Step {} ({}) of scan {}: {}; queued again for attempt {}", step.id(), step.tool(), step.scanId(), reason,
                        step.attempt() + 1);
            }
            return requeued || isCancelled(step);
        }
        String where = "worker " + steps.owner() + ", Docker engine " + engine.describe();
        return fail(step, null, null, "", recovery.noAttemptLeft(reason, step.attempt(), steps.attemptsBefore(step), where), timing)
                || isCancelled(step);
    }

    /** Fails the step; answers whether this worker's transition applied. */
    boolean fail(ClaimedStep step, Integer exitCode, Boolean oomKilled, String tail, String reason, Timer.Sample timing) {
        if (steps.toFailed(step, exitCode, oomKilled, tail, reason)) {
            steps.attemptOutcome(step, "failed", reason);
            record(step, "failed", timing);
            completions.publish(step, StepStatus.FAILED.db(), exitCode);
            log.info("Step {} ({}) of scan {} failed: {}", step.id(), step.tool(), step.scanId(), reason);
            return true;
        }
        return false;
    }

    boolean isCancelled(ClaimedStep step) {
        return steps.stateOf(step.id()).map(s -> s.status().equals(StepStatus.CANCELLED.db())).orElse(true);
    }

    private void record(ClaimedStep step, String outcome, Timer.Sample timing) {
        timing.stop(meters.timer("nubicustos.step.duration", "tool", step.tool(), "outcome", outcome));
        meters.counter("nubicustos.steps.finished", "tool", step.tool(), "outcome", outcome).increment();
    }
}
