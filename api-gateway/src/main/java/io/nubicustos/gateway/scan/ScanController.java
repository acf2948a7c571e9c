package io.nubicustos.gateway.scan;

import io.nubicustos.model.scan.StepStatus;
import io.nubicustos.gateway.quota.Quotas;
import io.nubicustos.gateway.security.Requires;
import io.nubicustos.gateway.security.Role;
import io.nubicustos.gateway.scan.ScanQueries.ScanView;
import io.nubicustos.gateway.scan.ScanQueries.StepView;
import io.nubicustos.gateway.scan.ScanResponses.Accepted;
import io.nubicustos.gateway.scan.ScanResponses.Cancelled;
import io.nubicustos.gateway.scan.ScanResponses.DryRun;
import io.nubicustos.gateway.scan.ScanResponses.Errors;
import io.nubicustos.gateway.scan.ScanResponses.FailedStep;
import io.nubicustos.gateway.scan.ScanResponses.PlannedTool;
import io.nubicustos.gateway.scan.ScanResponses.ScanDetail;
import io.nubicustos.gateway.scan.ScanResponses.ScanPage;
import io.nubicustos.gateway.scan.ScanResponses.Status;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.nubicustos.gateway.system.GatewayProperties;
import io.nubicustos.gateway.security.AuditTrail;
import io.nubicustos.gateway.web.ApiException;
import io.nubicustos.gateway.web.Paging;
import io.nubicustos.model.finding.Severity;
import io.nubicustos.model.reports.ReportLayout;
import io.nubicustos.model.reports.StepMounts;
import io.nubicustos.model.credentials.AmbientCredentials;
import io.nubicustos.model.scan.ScanStatus;
import io.nubicustos.model.scan.StepPlan;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private final Quotas quotas;

    ScanController(ScanRequestParser parser, ScanCreator creator, ScanQueries queries, GatewayProperties properties,
                   ScanCanceller canceller, Quotas quotas) {
        this.quotas = quotas;
        this.canceller = canceller;
        this.parser = parser;
        this.creator = creator;
        this.queries = queries;
        this.properties = properties;
    }

    @Requires(Role.SCAN)
    @PostMapping(consumes = "application/json")
    @ApiResponse(responseCode = "202", description = "queued", content = @Content(schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "200", description = "the plan of a dry run", content = @Content(schema = @Schema(implementation = DryRun.class)))
    ResponseEntity<?> create(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = ScanRequestBody.class))) @RequestBody JsonNode body) {
        ScanRequest request = parser.parse(body);
        if (request.dryRun()) {
            return ResponseEntity.ok(dryRun(request));
        }
        quotas.requireRoomFor(Quotas.Kind.UNSETTLED_SCANS);
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
        boolean ambient = false;
        boolean usesAws = false;
        Map<String, List<String>> notHonoured = creator.scopeNotHonoured(request);
        for (StepPlan step : creator.plan(request, placeholder)) {
            String reportDirectory = layout.onHost(hostRoot, layout.stepDirectory(placeholder, step.tool()))
                    .replace(placeholder.toString(), "{scan_id}");
            List<StepMounts.Mount> mounts = StepMounts.of(step, reportDirectory,
                    kind -> "aws".equals(kind) ? stagedProfile : "{" + kind + "_credentials}");
            boolean stepUsesAws = step.credentials() != null && "aws".equals(step.credentials().kind());
            usesAws |= stepUsesAws;
            List<String> environment = new ArrayList<>(step.environment().keySet());
            if (stepUsesAws && step.credentials().ambient()) {
                ambient = true;
                environment.addAll(AmbientCredentials.PASSED_VARIABLES);
            }
            List<String> command = step.command().stream()
                    .map(arg -> arg.replace(placeholder.toString(), "{scan_id}")).toList();
            tools.add(new PlannedTool(step.tool(), step.image(), step.containerNamePattern(), step.entrypoint(), command,
                    mounts, environment.stream().sorted().toList(), step.network(),
                    step.expectedExitCodes(), step.stdoutReport(), step.limits(), notHonoured.getOrDefault(step.tool(), List.of())));
        }
        String source = !usesAws ? null : ambient ? AmbientCredentials.describe()
                : "file: aws_profile '" + request.awsProfile() + "' of the mounted credentials, staged alone for each step";
        return new DryRun(true, request.profile().name(), request.awsProfile(), source,
                request.severityFilter().stream().map(Severity::db).toList(), request.scope().asMap(), tools, creator.leftOut(request));
    }

    @GetMapping
    ScanPage list(@RequestParam(required = false) String status,
                  @RequestParam(name = "schedule_id", required = false) UUID scheduleId,
                  @RequestParam(defaultValue = "0") int page,
                  @RequestParam(defaultValue = "20") int size) {
        if (status != null && Arrays.stream(ScanStatus.values()).noneMatch(s -> s.db().equals(status))) {
            throw ApiException.badRequest("status", "unknown status '" + status
                    + "'; use queued, running, completed, failed or cancelled");
        }
        Paging paging = Paging.of(page, size);
        return new ScanPage(queries.page(status, scheduleId, paging.size(), paging.offset()).stream().map(ScanSummary::of).toList(),
                paging.page(), paging.size(), queries.count(status, scheduleId));
    }

    @GetMapping("/{id}")
    ScanDetail detail(@PathVariable("id") UUID id) {
        return ScanDetail.of(ScanSummary.of(queries.scan(id)), queries.steps(id));
    }

    /** Cancels a queued or running scan (DELETE of a single scan cancels it; bulk delete removes scans). */
    @Requires(Role.SCAN)
    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Cancelled cancel(@PathVariable("id") UUID id) {
        return new Cancelled(id, ScanStatus.CANCELLED.db(), canceller.cancel(id));
    }

    @Requires(Role.SCAN)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Cancelled cancelByDelete(@PathVariable("id") UUID id) {
        return cancel(id);
    }

    @GetMapping("/{id}/status")
    Status status(@PathVariable("id") UUID id) {
        ScanView scan = queries.scan(id);
        return new Status(scan.id(), scan.status(), ScanStatus.fromDb(scan.status()).isTerminal(), scan.startedAt(), scan.completedAt(),
                scan.findings(), scan.degraded(), scan.degradation());
    }

    /**
     * Accepts a degraded scan's loss of coverage (regions disabled on purpose, accounts closed): the scan stays marked
     * degraded, with who accepted it, and is a baseline for the scans after it.
     */
    @Requires(Role.TRIAGE)
    @PostMapping("/{id}/degradation/accept")
    Status acceptDegradation(@PathVariable("id") UUID id) {
        ScanView scan = queries.scan(id);
        if (!scan.degraded()) {
            throw new ApiException(HttpStatus.CONFLICT, "scan_not_degraded", null, "scan " + id + " is not degraded; nothing to accept");
        }
        if (!queries.acceptDegradation(id, AuditTrail.actor())) {
            throw new ApiException(HttpStatus.CONFLICT, "degradation_accepted", null, "scan " + id + "'s degradation was accepted already");
        }
        AuditTrail.detail(Map.of("accepted_degradation_of_scan", id, "tools", scan.degradation() == null ? Map.of() : scan.degradation().tools()));
        return status(id);
    }

    @GetMapping("/{id}/errors")
    Errors errors(@PathVariable("id") UUID id) {
        ScanView scan = queries.scan(id);
        List<StepView> steps = queries.steps(id);
        Map<UUID, List<ScanQueries.AttemptView>> attempts = queries.attempts(id);
        Map<String, String> toolErrors = new LinkedHashMap<>();
        Map<String, FailedStep> details = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        int failed = 0;
        int succeeded = 0;
        int cancelled = 0;
        for (StepView step : steps) {
            List<ScanQueries.AttemptView> tried = attempts.getOrDefault(step.id(), List.of());
            switch (StepStatus.fromDb(step.status())) {
                case FAILED -> {
                    failed++;
                    toolErrors.put(step.tool(), step.error());
                    // why: a step that failed after several attempts names the hosts they ran on and why each ended
                    details.put(step.tool(), new FailedStep(step.status(), step.exitCode(), step.oomKilled(), step.attempt(), step.logTail(), tried));
                }
                case SUCCEEDED -> {
                    succeeded++;
                    // why: the tool succeeded; an earlier attempt's failure is history, not its error
                    toolErrors.put(step.tool(), null);
                    if (step.attempt() > 1) {
                        details.put(step.tool(), new FailedStep(step.status(), step.exitCode(), step.oomKilled(), step.attempt(), null, tried));
                    }
                }
                case CANCELLED -> {
                    cancelled++;
                    toolErrors.put(step.tool(), step.error() == null ? "cancelled by request" : step.error());
                }
                default -> toolErrors.put(step.tool(), step.error());
            }
            if (step.note() != null && StepStatus.fromDb(step.status()) != StepStatus.FAILED) {
                // why: a tool that succeeded may still have had its output cut or cleaned; that belongs next to the errors
                notes.put(step.tool(), step.note());
            }
        }
        // why: a tool the scan was planned without ran nowhere; why is said beside the tools that did
        notes.putAll(scan.leftOut());
        return new Errors(id, toolErrors, steps.size(), failed, succeeded, steps.size() - failed - succeeded - cancelled, cancelled,
                details, notes,
                scan.degraded(), scan.degradation());
    }

}
