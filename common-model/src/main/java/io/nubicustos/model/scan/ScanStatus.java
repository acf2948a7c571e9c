package io.nubicustos.model.scan;

import io.nubicustos.model.lifecycle.Lifecycle;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The life of a scan, derived from its steps: it runs once a worker claims its first step and ends
 * when every step is terminal. A terminal scan never moves again, which is what lets a client poll
 * "until completed or failed" and always stop. Every change of {@code scans.status} is a {@link ScanTransitions}
 * statement.
 */
public enum ScanStatus implements Lifecycle<ScanStatus> {
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

    /**
     * The settle rule, the one place it is written: the first of these step statuses found among a scan's (all
     * terminal) steps decides the scan's status; with none of them the scan {@link #SETTLED_CLEAN completed}.
     * {@link #settle(Iterable)} applies it in Java and {@link ScanTransitions#SETTLE} in SQL.
     */
    static final Map<StepStatus, ScanStatus> SETTLE_PRECEDENCE = precedence();
    static final ScanStatus SETTLED_CLEAN = COMPLETED;

    private static Map<StepStatus, ScanStatus> precedence() {
        Map<StepStatus, ScanStatus> order = new LinkedHashMap<>();
        order.put(StepStatus.FAILED, FAILED);
        order.put(StepStatus.CANCELLED, CANCELLED);
        return java.util.Collections.unmodifiableMap(order);
    }

    @Override
    public boolean canMoveTo(ScanStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    @Override
    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    public static ScanStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /**
     * What a scan becomes when all its steps are terminal: failed if any failed, cancelled if any
     * was cancelled (and none failed), completed otherwise.
     */
    public static ScanStatus settle(Iterable<StepStatus> steps) {
        Set<StepStatus> seen = EnumSet.noneOf(StepStatus.class);
        for (StepStatus step : steps) {
            if (!step.isTerminal()) {
                throw new IllegalArgumentException("step still " + step.db() + ": the scan cannot settle yet");
            }
            seen.add(step);
        }
        return SETTLE_PRECEDENCE.entrySet().stream().filter(e -> seen.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(SETTLED_CLEAN);
    }
}
