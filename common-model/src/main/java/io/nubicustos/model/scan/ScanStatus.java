package io.nubicustos.model.scan;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The life of a scan, derived from its steps: it runs once a worker claims its first step and ends
 * when every step is terminal. A terminal scan never moves again, which is what lets a client poll
 * "until completed or failed" and always stop.
 */
public enum ScanStatus {
    QUEUED,
    RUNNING,
    /** Every step succeeded. */
    COMPLETED,
    /** At least one step failed; the other steps' findings are kept. */
    FAILED,
    CANCELLED;

    private static final Map<ScanStatus, Set<ScanStatus>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(RUNNING, COMPLETED, FAILED, CANCELLED),
            RUNNING, EnumSet.of(COMPLETED, FAILED, CANCELLED),
            COMPLETED, EnumSet.noneOf(ScanStatus.class),
            FAILED, EnumSet.noneOf(ScanStatus.class),
            CANCELLED, EnumSet.noneOf(ScanStatus.class));

    public boolean canMoveTo(ScanStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    public String db() {
        return name().toLowerCase();
    }

    public static ScanStatus fromDb(String value) {
        return valueOf(value.toUpperCase());
    }

    /**
     * What a scan becomes when all its steps are terminal: failed if any failed, cancelled if any
     * was cancelled (and none failed), completed otherwise.
     */
    public static ScanStatus settle(Iterable<StepStatus> steps) {
        boolean cancelled = false;
        for (StepStatus step : steps) {
            if (!step.isTerminal()) {
                throw new IllegalArgumentException("step still " + step.db() + ": the scan cannot settle yet");
            }
            if (step == StepStatus.FAILED) {
                return FAILED;
            }
            cancelled |= step == StepStatus.CANCELLED;
        }
        return cancelled ? CANCELLED : COMPLETED;
    }
}
