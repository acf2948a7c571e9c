package io.nubicustos.model.scan;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The life of one tool step. The SQL guards of every service ({@code WHERE status = ...}) mirror
 * {@link #canMoveTo(StepStatus)}: a transition not in this table is a bug.
 */
public enum StepStatus {
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

    public boolean canMoveTo(StepStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** The terminal statuses as an SQL list, {@code ('succeeded', 'failed', 'cancelled')}, for queries to splice in. */
    public static String terminalSqlList() {
        return Arrays.stream(values()).filter(StepStatus::isTerminal).map(s -> "'" + s.db() + "'")
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** The value stored in {@code scan_steps.status} and shown by the API. */
    public String db() {
        return name().toLowerCase();
    }

    public static StepStatus fromDb(String value) {
        return valueOf(value.toUpperCase());
    }
}
