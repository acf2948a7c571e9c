package io.nubicustos.model.scan;

import io.nubicustos.model.lifecycle.Transition;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static io.nubicustos.model.scan.ScanStatus.CANCELLED;
import static io.nubicustos.model.scan.ScanStatus.QUEUED;
import static io.nubicustos.model.scan.ScanStatus.RUNNING;

/**
 * The one door of {@code scans.status}: every statement that changes a scan's status, built from {@link ScanStatus}'s
 * transition table and its one settle rule. The guard {@code status in ('queued', 'running')} of the moves to a
 * terminal status is what makes a settled or cancelled scan never move again, whoever races for it.
 */
public final class ScanTransitions {

    /**
     * A scan runs once a worker claims its first step: the {@code started} part of the worker's claim statement,
     * reading the steps it claimed as {@code claimed}. Parameter: {@code now}.
     */
    public static final Transition START = Transition.of("start", "scans", EnumSet.of(QUEUED), EnumSet.of(RUNNING), """
            update scans set status = {scan:running}, started_at = coalesce(started_at, :now)
             where id in (select scan_id from claimed) and status = {scan:queued}
            """);

    /** Cancelled on request. Parameters: {@code id}, {@code now}. */
    public static final Transition CANCEL = Transition.of("cancel", "scans", EnumSet.of(QUEUED, RUNNING), EnumSet.of(CANCELLED), """
            update scans set status = {scan:cancelled}, completed_at = :now where id = :id and status in {scan:queued,running}
            """);

    /**
     * Settles the scan once every step is terminal, by {@link ScanStatus#SETTLE_PRECEDENCE}; changes nothing while a
     * step is not. Parameters: {@code id}, {@code now}. Returns the new status, the profile and the stored counts.
     */
    public static final Transition SETTLE = Transition.of("settle", "scans", EnumSet.of(QUEUED, RUNNING), settledStatuses(), """
            update scans s set
                   status = %s,
                   completed_at = :now, started_at = coalesce(s.started_at, :now)
             where s.id = :id and s.status in {scan:queued,running}
               and not exists (select 1 from scan_steps
                                where scan_id = s.id and status not in {step:terminal})
            returning status, profile, aws_profile, created_at, findings_total, findings_critical, findings_high, findings_medium,
                      findings_low, findings_info, findings_needs_review, findings_suppressed
            """.formatted(settleCase()));

    public static final List<Transition> ALL = List.of(START, CANCEL, SETTLE);

    private ScanTransitions() {
    }

    /** {@code case when exists (a failed step) then 'failed' when … else 'completed' end}, from the one settle rule. */
    private static String settleCase() {
        StringBuilder sql = new StringBuilder("case");
        for (Map.Entry<StepStatus, ScanStatus> rule : ScanStatus.SETTLE_PRECEDENCE.entrySet()) {
            sql.append(" when exists (select 1 from scan_steps where scan_id = s.id and status = ").append(rule.getKey().sql())
                    .append(") then ").append(rule.getValue().sql()).append('\n');
        }
        return sql.append("                 else ").append(ScanStatus.SETTLED_CLEAN.sql()).append(" end").toString();
    }

    private static EnumSet<ScanStatus> settledStatuses() {
        EnumSet<ScanStatus> outcomes = EnumSet.of(ScanStatus.SETTLED_CLEAN);
        outcomes.addAll(ScanStatus.SETTLE_PRECEDENCE.values());
        return outcomes;
    }
}
