package io.nubicustos.worker.step;

import io.nubicustos.support.time.Backoff;
import io.nubicustos.worker.system.WorkerProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;

/**
 * The rules for a step that lost its worker or whose attempt ended without a result of the tool's own, in one
 * place (ADR 4 and ADR 6; db-scheduler's {@code DeadExecutionHandler} is the model): which orphans a worker
 * takes over, what it does with each one's container, when a lost attempt is tried again and after how long,
 * and what the step says when none is left. Tool failures (an unexpected exit code, an OOM kill, a timeout)
 * are never retried: they would fail the same way and cost the account's API quota again.
 */
@Component
public class RecoveryPolicy {

    /** What an adopted step's container says about the step. */
    public enum Orphan {
        /** The container was started (it runs, or it exited): wait for it or collect it, same attempt. */
        FOLLOW,
        /** The container was never started, or never created: start the attempt now (the tool has not run). */
        START,
        /** The container the step recorded is gone: the attempt is lost. */
        LOST
    }

    private final int maxAttempts;
    private final Backoff retryBackoff;
    private final Duration foreignHostGrace;

    @Autowired
    RecoveryPolicy(WorkerProperties properties) {
        this(properties.worker().maxAttempts(), properties.worker().retryBackoff(), properties.worker().foreignHostGrace());
    }

    RecoveryPolicy(int maxAttempts, Duration retryBackoff, Duration foreignHostGrace) {
        this.maxAttempts = maxAttempts;
        // why: at most ten times the first wait: a step requeued often waits longer, never so long that the scan seems stuck
        this.retryBackoff = new Backoff(retryBackoff, retryBackoff.multipliedBy(10));
        this.foreignHostGrace = foreignHostGrace;
    }

    /**
     * @param recordedContainer whether the step's row names its container (it was created before the worker went away)
     * @param engineState       the container's state as the engine reports it ({@code created}, {@code running},
     *                          {@code exited}, …), or null when the engine has no such container
     */
    public Orphan orphan(boolean recordedContainer, String engineState) {
        if (engineState == null) {
            return recordedContainer ? Orphan.LOST : Orphan.START;
        }
        // why: a container that was created but never started has not run the tool; waiting for it would read its "exit" as a clean one
        return "created".equals(engineState) ? Orphan.START : Orphan.FOLLOW;
    }

    /** Whether an attempt that ended without a result of the tool's own is followed by another. */
    public boolean retries(int attempt) {
        return attempt < maxAttempts;
    }

    /** How long a step handed back to the queue waits before it can be claimed: doubled after each attempt. */
    public Duration backoff(int attempt) {
        return retryBackoff.after(attempt);
    }

    /** How long past its lease a step on another Docker host is left to its own worker. */
    public Duration foreignHostGrace() {
        return foreignHostGrace;
    }

    /** What the step's row says while it waits for its next attempt. */
    public String retrying(String reason, int attempt) {
        return reason + "; retrying (attempt " + attempt + " of " + maxAttempts + ")";
    }

    /**
     * What the step says when its last attempt ended without a result of the tool's own: that attempt's reason,
     * then every attempt with the worker and Docker host it ran on.
     *
     * @param lastWhere where the last attempt ran ({@link StepRepository.Attempt#where()}'s form)
     */
    public String noAttemptLeft(String reason, int attempt, List<StepRepository.Attempt> earlier, String lastWhere) {
        StringBuilder error = new StringBuilder(reason).append(" (attempt ").append(attempt).append(" of ").append(maxAttempts)
                .append("); every attempt failed on infrastructure, not in the tool: ");
        for (StepRepository.Attempt before : earlier) {
            error.append("attempt ").append(before.attempt()).append(" on ").append(before.where()).append(": ")
                    .append(before.error() == null ? before.outcome() : before.error()).append("; ");
        }
        return error.append("attempt ").append(attempt).append(" on ").append(lastWhere).toString();
    }
}
