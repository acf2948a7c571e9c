package io.nubicustos.model.scan;

import io.nubicustos.model.lifecycle.Lifecycle;
import io.nubicustos.model.lifecycle.StatusSql;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of one tool step. Every change of {@code scan_steps.status} is a {@link StepTransitions} statement,
 * checked against {@link #canMoveTo(StepStatus)} when that class loads: a transition not in this table cannot be written.
 */
public enum StepStatus implements Lifecycle<StepStatus> {
    /** Planned and announced; waiting for a worker with a free slot. */
    QUEUED,
    /** Claimed by a worker, which holds a lease and runs the container. */
    RUNNING,
    /** The container exited with an expected code; the report waits for the processor. */
    REPORTING,
    /** The report was processed and its findings stored. */
    SUCCEEDED,
    /** The tool, its container or its report failed; the reason is stored with the step. */
    FAILED,
    /** The scan was cancelled before this step finished. */
    CANCELLED;

    private static final Map<StepStatus, Set<StepStatus>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            // why: RUNNING -> QUEUED is how a retry hands a step whose container vanished back to the fleet
            RUNNING, EnumSet.of(REPORTING, FAILED, CANCELLED, QUEUED),
            REPORTING, EnumSet.of(SUCCEEDED, FAILED),
            SUCCEEDED, EnumSet.noneOf(StepStatus.class),
            FAILED, EnumSet.noneOf(StepStatus.class),
            CANCELLED, EnumSet.noneOf(StepStatus.class));

    @Override
    public boolean canMoveTo(StepStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    @Override
    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** The terminal statuses as an SQL list, the list {@code StatusSql} writes for {@code {step:terminal}}. */
    public static String terminalSqlList() {
        return StatusSql.list(StatusSql.terminal(StepStatus.class));
    }

    public static StepStatus fromDb(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
