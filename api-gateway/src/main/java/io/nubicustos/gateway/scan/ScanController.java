package io.nubicustos.gateway.scan;

import io.nubicustos.gateway.scan.ScanQueries.ScanView;
import io.nubicustos.gateway.scan.ScanQueries.StepView;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Paging;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.reports.ReportLayout;
import io.nubicustos.model.reports.StepMounts;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepPlan;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.nubicustos.model.catalog.ResourceLimits;
import org.springframework.web.bind.annotation.DeleteMapping;

@RestController
@RequestMapping("/api/scans")
class ScanController {

    /** Stands for the execution id, which exists only once a worker claims the step. */
    private static final String EXECUTION_PLACEHOLDER = "execution-id";

    private final ScanRequestParser parser;
    private final ScanCreator creator;
    private final ScanQueries queries;
    private final GatewayProperties properties;
    private final ScanCanceller canceller;

    ScanController(ScanRequestParser parser, ScanCreator creator, ScanQueries queries, GatewayProperties properties,
                   ScanCanceller canceller) {
        this.canceller = canceller;
        this.parser = parser;
        this.creator = creator;
        this.queries = queries;
        this.properties = properties;
    }

    @PostMapping(consumes = "application/json")
    ResponseEntity<?> create(@RequestBody JsonNode body) {
        ScanRequest request = parser.parse(body);
        if (request.dryRun()) {
            return ResponseEntity.ok(dryRun(request));
        }
        ScanCreator.CreatedScan created = creator.create(request, "rest", null);
        return ResponseEntity.accepted()
                .location(URI.create("/api/scans/" + created.scanId()))
                .body(new Accepted(created.scanId(), ScanStatus.QUEUED.db(), request.profile().name(),
                        created.tools(), "/api/scans/" + created.scanId() + "/status"));
    }

    private DryRun dryRun(ScanRequest request) {
        UUID placeholder = new UUID(0, 0);
        List<PlannedTool> tools = new ArrayList<>();
        ReportLayout layout = properties.reports().layout();
        String hostRoot = properties.reports().hostPath();
        // why: the worker mounts only the attempt's staged profile, never the whole credentials directory
        String stagedProfile = layout.onHost(hostRoot, layout.credentialsDirectory(EXECUTION_PLACEHOLDER))
                .replace(EXECUTION_PLACEHOLDER, "{execution_id}");
        for (StepPlan step : creator.plan(request, placeholder)) {
            String reportDirectory = layout.onHost(hostRoot, layout.stepDirectory(placeholder, step.tool()))
                    .replace(placeholder.toString(), "{scan_id}");
            List<StepMounts.Mount> mounts = StepMounts.of(step, reportDirectory,
                    kind -> "aws".equals(kind) ? stagedProfile : "{" + kind + "_credentials}");
            List<String> command = step.command().stream()
                    .map(arg -> arg.replace(placeholder.toString(), "{scan_id}")).toList();
            tools.add(new PlannedTool(step.tool(), step.image(), step.containerNamePattern(), step.entrypoint(), command,
                    mounts, step.environment().keySet().stream().sorted().toList(), step.network(),
                    step.expectedExitCodes(), step.stdoutReport(), step.limits()));
        }
        return new DryRun(true, request.profile().name(), request.awsProfile(),
                request.severityFilter().stream().map(Severity::db).toList(), tools);
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) String status,
                             @RequestParam(defaultValue = "0") int page,
                             @RequestParam(defaultValue = "20") int size) {
        if (status != null && Arrays.stream(ScanStatus.values()).noneMatch(s -> s.db().equals(status))) {
            throw ApiException.badRequest("status", "unknown status '" + status
                    + "'; use queued, running, completed, failed or cancelled");
        }
        Paging paging = Paging.of(page, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scans", queries.page(status, paging.size(), paging.offset()).stream().map(ScanController::summary).toList());
        body.put("page", paging.page());
        body.put("size", paging.size());
        body.put("total", queries.count(status));
        return body;
    }

    @GetMapping("/{id}")
    Map<String, Object> detail(@PathVariable("id") UUID id) {
        Map<String, Object> body = summary(queries.scan(id));
        body.put("steps", queries.steps(id));
        return body;
    }

    /** Cancels a queued or running scan (DELETE of a single scan cancels it; bulk delete removes scans). */
    @PostMapping("/{id}/cancel")
    ResponseEntity<Map<String, Object>> cancel(@PathVariable("id") UUID id) {
        boolean changed = canceller.cancel(id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scan_id", id);
        body.put("status", "cancelled");
        body.put("changed", changed);
        return ResponseEntity.accepted().body(body);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Map<String, Object>> cancelByDelete(@PathVariable("id") UUID id) {
        return cancel(id);
    }

    @GetMapping("/{id}/status")
    Status status(@PathVariable("id") UUID id) {
        ScanView scan = queries.scan(id);
        return new Status(scan.id(), scan.status(), scan.startedAt(), scan.completedAt(), scan.findings());
    }

    @GetMapping("/{id}/errors")
    Map<String, Object> errors(@PathVariable("id") UUID id) {
        queries.scan(id);
        List<StepView> steps = queries.steps(id);
        Map<UUID, List<ScanQueries.AttemptView>> attempts = queries.attempts(id);
        Map<String, String> toolErrors = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        int failed = 0;
        int succeeded = 0;
        for (StepView step : steps) {
            toolErrors.put(step.tool(), step.error());
            if ("failed".equals(step.status())) {
                failed++;
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("status", step.status());
                detail.put("exit_code", step.exitCode());
                detail.put("oom_killed", step.oomKilled());
                detail.put("attempt", step.attempt());
                detail.put("log_tail", step.logTail());
                // why: a step that failed after several attempts names the hosts they ran on and why each ended
                detail.put("attempts", attempts.getOrDefault(step.id(), List.of()));
                details.put(step.tool(), detail);
            } else if ("succeeded".equals(step.status())) {
                succeeded++;
            }
            if (step.note() != null && !"failed".equals(step.status())) {
                notes.put(step.tool(), step.note());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scan_id", id);
        body.put("tool_errors", toolErrors);
        body.put("total_tools", steps.size());
        body.put("failed_tools", failed);
        body.put("success_tools", succeeded);
        body.put("pending_tools", steps.size() - failed - succeeded);
        body.put("details", details);
        // why: a tool that succeeded may still have had its output cut or cleaned; that belongs next to the errors
        body.put("notes", notes);
        return body;
    }

    private static Map<String, Object> summary(ScanView scan) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scan_id", scan.id());
        body.put("profile", scan.profile());
        body.put("aws_profile", scan.awsProfile());
        body.put("severity_filter", scan.severityFilter());
        body.put("status", scan.status());
        body.put("source", scan.source());
        body.put("created_at", scan.createdAt());
        body.put("started_at", scan.startedAt());
        body.put("completed_at", scan.completedAt());
        body.put("findings", scan.findings());
        return body;
    }

    record Accepted(UUID scanId, String status, String profile, List<String> tools, String statusUrl) {
    }

    record Status(UUID scanId, String status, OffsetDateTime startedAt, OffsetDateTime completedAt,
                  Map<String, Integer> findings) {
    }

    record DryRun(boolean dryRun, String profile, String awsProfile, List<String> severityFilter, List<PlannedTool> tools) {
    }

    record PlannedTool(String tool, String image, String containerNamePattern, List<String> entrypoint,
                       List<String> command, List<StepMounts.Mount> mounts, List<String> environmentVariables, String network,
                       List<Integer> expectedExitCodes, String stdoutReport,
                       ResourceLimits limits) {
    }

}
