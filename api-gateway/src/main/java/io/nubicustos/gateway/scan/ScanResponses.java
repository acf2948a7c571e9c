package io.nubicustos.gateway.scan;

import io.nubicustos.gateway.scan.ScanQueries.AttemptView;
import io.nubicustos.gateway.scan.ScanQueries.StepView;
import io.nubicustos.model.catalog.ResourceLimits;
import io.nubicustos.model.reports.StepMounts;
import org.jspecify.annotations.Nullable;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The bodies the scan routes answer; each record is one schema of the OpenAPI document. */
final class ScanResponses {

    private ScanResponses() {
    }

    record Accepted(UUID scanId, String status, String profile, List<String> tools, String statusUrl) {
    }

    /** {@code credentials_source}: where the tools' AWS credentials come from (a file's profile, or ambient), never a value. */
    /**
     * {@code scope}: the request's scope, by part; each tool says what of it it cannot take. {@code left_out}: the profile's
     * tools that get no step here, with why (a service they require is not configured).
     */
    record DryRun(boolean dryRun, String profile, String awsProfile, @Nullable String credentialsSource, List<String> severityFilter,
                  Map<String, List<String>> scope, List<PlannedTool> tools, Map<String, String> leftOut) {
    }

    /** {@code scope_not_honoured}: the parts of the request's scope this tool cannot take, said instead of dropped. */
    record PlannedTool(String tool, String image, String containerNamePattern, @Nullable List<String> entrypoint,
                       List<String> command, List<StepMounts.Mount> mounts, List<String> environmentVariables, String network,
                       List<Integer> expectedExitCodes, @Nullable String stdoutReport, ResourceLimits limits,
                       List<String> scopeNotHonoured) {
    }

    record ScanPage(List<ScanSummary> scans, int page, int size, long total) {
    }

    record ScanDetail(UUID scanId, String profile, String awsProfile, List<String> severityFilter, String status, String source,
                      OffsetDateTime createdAt, @Nullable OffsetDateTime startedAt, @Nullable OffsetDateTime completedAt,
                      Map<String, Integer> findings, @Nullable UUID scheduleId, @Nullable String createdBy, List<StepView> steps) {

        static ScanDetail of(ScanSummary scan, List<StepView> steps) {
            return new ScanDetail(scan.scanId(), scan.profile(), scan.awsProfile(), scan.severityFilter(), scan.status(), scan.source(),
                    scan.createdAt(), scan.startedAt(), scan.completedAt(), scan.findings(), scan.scheduleId(), scan.createdBy(), steps);
        }
    }

    record Cancelled(UUID scanId, String status, boolean changed) {
    }

    /**
     * {@code terminal}: the status will not change again (completed, failed or cancelled), what a client polling for
     * the end should test; {@code degraded}: the scan settled but a tool saw far less than in its baseline, and
     * {@code degradation} says how.
     */
    record Status(UUID scanId, String status, boolean terminal, @Nullable OffsetDateTime startedAt, @Nullable OffsetDateTime completedAt,
                  Map<String, Integer> findings, boolean degraded, ScanQueries.@Nullable Degradation degradation) {
    }

    /**
     * A failed step (why: its last attempt's exit and log tail), or a step that succeeded after failed attempts; with every
     * attempt's host and outcome.
     */
    record FailedStep(String status, @Nullable Integer exitCode, @Nullable Boolean oomKilled, int attempt, @Nullable String logTail,
                      List<AttemptView> attempts) {
    }

    /**
     * {@code tool_errors}: null for a tool that succeeded (even after failed attempts, which are under {@code details}),
     * else why it failed or was cancelled, or, while it waits for another attempt, why the last one ended.
     */
    record Errors(UUID scanId, Map<String, @Nullable String> toolErrors, int totalTools, int failedTools, int successTools,
                  int pendingTools, int cancelledTools, Map<String, FailedStep> details, Map<String, String> notes, boolean degraded,
                  ScanQueries.@Nullable Degradation degradation) {
    }
}
