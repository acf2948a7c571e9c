package io.nubicustos.model.scan;

import io.nubicustos.model.lifecycle.Transition;

import java.util.EnumSet;
import java.util.List;

import static io.nubicustos.model.scan.StepStatus.CANCELLED;
import static io.nubicustos.model.scan.StepStatus.FAILED;
import static io.nubicustos.model.scan.StepStatus.QUEUED;
import static io.nubicustos.model.scan.StepStatus.REPORTING;
import static io.nubicustos.model.scan.StepStatus.RUNNING;
import static io.nubicustos.model.scan.StepStatus.SUCCEEDED;

/**
 * The one door of {@code scan_steps.status}: every statement of any service that changes a step's status is here,
 * built from {@link StepStatus}'s transition table (a move it does not allow fails when this class loads). Each
 * statement's guard ({@code status = ...}) is what makes concurrent writers safe: a statement that finds the step
 * elsewhere changes nothing and its caller learns it lost. Who runs each: the worker claims, requeues and ends an
 * attempt; the api-gateway cancels; the report-processor ends a report.
 */
public final class StepTransitions {

    /**
     * The worker's claim, as the {@code claimed} part of its claim statement (which picks the rows as {@code picked}
     * within the caps). Parameters: {@code owner}, {@code leaseMillis}, {@code dockerHost}.
     */
    public static final Transition CLAIM = Transition.of("claim", "scan_steps", EnumSet.of(QUEUED), EnumSet.of(RUNNING), """
            update scan_steps s
               set status = {step:running}, owner = :owner, lease_until = clock_timestamp() + :leaseMillis * interval '1 millisecond',
                   attempt = s.attempt + 1,
                   execution_id = left(s.id::text, 12) || '-' || (s.attempt + 1),
                   container_name = (s.plan ->> 'container_name_prefix') || '-' || left(s.id::text, 12) || '-' || (s.attempt + 1),
                   started_at = clock_timestamp(), container_id = null, container_started_at = null, docker_host = :dockerHost,
                   exit_code = null, oom_killed = null, container_finished_at = null, image_id = null, tool_version = null
              from picked where s.id = picked.id and s.status = {step:queued}
             returning s.id, s.scan_id, s.tool, s.plan::text as plan, s.attempt, s.execution_id, s.container_name, s.container_id
            """);

    /**
     * An attempt ended without a result of the tool's own and attempts are left: the step goes back to the fleet.
     * Parameters: {@code id}, {@code owner}, {@code attempt}, {@code now}, {@code reason}, {@code backoffMillis}.
     */
    public static final Transition REQUEUE = Transition.of("requeue", "scan_steps", EnumSet.of(RUNNING), EnumSet.of(QUEUED), """
            update scan_steps set status = {step:queued}, owner = null, lease_until = null, container_id = null, queued_at = :now,
                   image_id = null, tool_version = null, error = :reason, claimable_after = clock_timestamp() + :backoffMillis * interval '1 millisecond'
             where id = :id and status = {step:running} and owner = :owner and attempt = :attempt
            """);

    /**
     * The container exited with an expected code: the report waits for the processor. Parameters: {@code id},
     * {@code owner}, {@code attempt}, {@code exitCode}, {@code oomKilled}, {@code logTail}, {@code captureNote}.
     */
    public static final Transition TO_REPORTING = Transition.of("to_reporting", "scan_steps", EnumSet.of(RUNNING), EnumSet.of(REPORTING), """
            update scan_steps
               set status = {step:reporting}, exit_code = :exitCode, oom_killed = :oomKilled, log_tail = :logTail, capture_note = :captureNote,
                   container_finished_at = coalesce(container_finished_at, clock_timestamp()), lease_until = null
             where id = :id and status = {step:running} and owner = :owner and attempt = :attempt
            """);

    /**
     * The attempt failed for good. Parameters: {@code id}, {@code owner}, {@code attempt}, {@code exitCode},
     * {@code oomKilled}, {@code logTail}, {@code error}, {@code now}.
     */
    public static final Transition RUN_FAILED = Transition.of("run_failed", "scan_steps", EnumSet.of(RUNNING), EnumSet.of(FAILED), """
            update scan_steps
               set status = {step:failed}, exit_code = :exitCode, oom_killed = :oomKilled, log_tail = :logTail, error = :error,
                   container_finished_at = coalesce(container_finished_at, clock_timestamp()), completed_at = :now, lease_until = null
             where id = :id and status = {step:running} and owner = :owner and attempt = :attempt
            """);

    /**
     * The scan was cancelled: its steps not yet past their container are too (a reporting step is processed and its
     * findings kept). Parameters: {@code id} (the scan), {@code now}.
     */
    public static final Transition CANCEL = Transition.of("cancel_steps", "scan_steps", EnumSet.of(QUEUED, RUNNING), EnumSet.of(CANCELLED), """
            update scan_steps set status = {step:cancelled}, completed_at = :now, lease_until = null,
                   error = coalesce(error || '; ', '') || 'cancelled by request'
             where scan_id = :id and status in {step:queued,running}
            """);

    /**
     * The report was processed and its findings stored. Parameters: {@code id}, {@code count}, {@code note},
     * {@code now}, {@code coverage}, {@code reports} (JSON text).
     */
    public static final Transition REPORT_PROCESSED = Transition.of("report_processed", "scan_steps", EnumSet.of(REPORTING),
            EnumSet.of(SUCCEEDED), """
            update scan_steps set status = {step:succeeded}, findings_count = :count, note = :note, completed_at = :now,
                   coverage = cast(:coverage as jsonb), reports = cast(:reports as jsonb)
             where id = :id and status = {step:reporting}
            """);

    /** The report could not be used. Parameters: {@code id}, {@code error}, {@code now}, {@code reports}. */
    public static final Transition REPORT_FAILED = Transition.of("report_failed", "scan_steps", EnumSet.of(REPORTING), EnumSet.of(FAILED), """
            update scan_steps set status = {step:failed}, findings_count = 0, error = :error, completed_at = :now,
                   reports = coalesce(cast(:reports as jsonb), reports)
             where id = :id and status = {step:reporting}
            """);

    /** Every statement of this door, for its test. */
    public static final List<Transition> ALL = List.of(CLAIM, REQUEUE, TO_REPORTING, RUN_FAILED, CANCEL, REPORT_PROCESSED, REPORT_FAILED);

    private StepTransitions() {
    }
}
